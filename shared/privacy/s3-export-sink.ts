/** Data exports in the cloud: one JSON object per request in the export bucket (encrypted, private, expiring). */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { exportName, type DataExportSink, type ExportRequest } from './privacy.ts';

export class S3ExportSink implements DataExportSink {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async export(request: ExportRequest, build: () => Promise<Record<string, unknown>>): Promise<string> {
    const name = exportName(request);
    const document = await build();
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: name, Body: JSON.stringify(document, null, 2), ContentType: 'application/json' }));
    return `s3://${this.bucket}/${name}`;
  }
}
