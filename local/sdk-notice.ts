/**
 * Imported first by `npm start` and by the test configuration: turns off the AWS SDK's
 * `NodeVersionSupportWarning` (its releases after January 2027 will need Node 22), which it prints
 * once per process on Node 20. This project supports Node 20, so the notice is nothing a user of
 * `npm start` or `npm test` can act on. The switch is the SDK's own documented variable, so only
 * that warning goes, and child processes (test workers, the local server) inherit it. Set it to
 * `false` to see the notice again. Deployed functions run on Node 22 and never print it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
