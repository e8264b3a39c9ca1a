/**
 * Records the store keeps that the ports name and the core builds: the shop, a program version's
 * audit record, a data export request. Here, below both, so that the core (which uses the ports)
 * and the ports (which carry these) never import each other.
 */
import type { Program } from '../program/program.ts';

export interface Shop {
  /** The `*.myshopify.com` domain. */
  shop: string;
  program: Program;
  programVersion: number;
  /** The shop's currency, learned from its first paid order. */
  currency?: string;
  active: boolean;
  createdAt: string;
  /** The e-mail sender identity (verified in SES) messages to the shop's customers go from. */
  senderEmail?: string;
  rev: number;
}

/** A program version: who changed the program, when, from what to what. */
export interface ProgramChange {
  version: number;
  changedAt: string;
  changedBy: string;
  program: Program;
  previous: Program;
}

/** A customer's data request (`customers/data_request`), waiting for or done by the export job. */
export interface ExportRequest {
  shop: string;
  customerId: string;
  orderIds: string[];
  requestId: string;
}
