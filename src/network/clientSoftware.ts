/**
 * What rxkafka tells brokers about itself in ApiVersions v3+ (shown by brokers in their
 * client metrics). A constant rather than a read of package.json: the compiled file lives at a
 * different depth than the source, so a relative require would break after the build.
 * test/network/clientSoftware.test.ts keeps it equal to package.json's version.
 */
export const CLIENT_SOFTWARE_NAME = 'rxkafka';
export const CLIENT_SOFTWARE_VERSION = '0.1.0';
