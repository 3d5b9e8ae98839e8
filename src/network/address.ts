import { RxKafkaError } from '../errors';

/** Kafka's default listener port, used when a bootstrap address has none. */
export const DEFAULT_KAFKA_PORT = 9092;

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Parses a bootstrap address: `host:port`, `host` (port 9092), `[::1]:9092` (IPv6), or a
 * comma-separated list of those (as Java's `bootstrap.servers`).
 */
export function parseAddresses(addresses: readonly string[] | string): HostPort[] {
  const list = typeof addresses === 'string' ? [addresses] : addresses;
  const out: HostPort[] = [];
  for (const entry of list) {
    for (const part of entry.split(',')) {
      const address = part.trim();
      if (address.length > 0) out.push(parseAddress(address));
    }
  }
  return out;
}

export function parseAddress(address: string): HostPort {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (bracketed !== null) return { host: bracketed[1], port: toPort(address, bracketed[2]) };
  const colon = address.lastIndexOf(':');
  // More than one colon without brackets: an IPv6 literal without a port.
  if (colon < 0 || address.indexOf(':') !== colon) return { host: address, port: DEFAULT_KAFKA_PORT };
  return { host: address.slice(0, colon), port: toPort(address, address.slice(colon + 1)) };
}

/** `host:port`, bracketing IPv6 literals. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function toPort(address: string, text: string | undefined): number {
  if (text === undefined) return DEFAULT_KAFKA_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new RxKafkaError(`broker address '${address}' has no valid port; write it as host:port, e.g. localhost:9092`);
  }
  return port;
}
