/**
 * Two test hosts on one machine: network namespaces joined by a veth pair, each with loopback and
 * one address on the link (10.231.<n>.1 and .2), and no other route. The database runs on one,
 * workers on the other; they reach each other only over the veth link, which a test can cut.
 * Needs root (CAP_NET_ADMIN) and iproute2's `ip`.
 */
import { execFileSync } from 'child_process';

export interface TestHosts {
  readonly dbNs: string;
  readonly workerNs: string;
  readonly dbAddress: string;
  readonly workerAddress: string;
  /** Takes the worker host's end of the link down (true) or up again (false). */
  setLinkDown(down: boolean): void;
  /** Deletes both namespaces (and with them the link). Safe to call twice. */
  remove(): void;
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: 'pipe' });
};

/** Why this machine cannot make test hosts, or null when it can. */
export function testHostsUnavailable(): string | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root (ip netns needs CAP_NET_ADMIN)';
  const probe = `tt-probe-${process.pid}`;
  try {
    ip('netns', 'add', probe);
    ip('netns', 'del', probe);
    return null;
  } catch (e) {
    const stderr = (e as { stderr?: unknown }).stderr;
    const why = stderr instanceof Buffer ? stderr.toString().trim() : (e as Error).message;
    return `\`ip netns add ${probe}\` failed: ${why}`;
  }
}

export function makeTestHosts(subnet: number): TestHosts {
  const tag = `${process.pid % 100000}${subnet}`;
  const dbNs = `tt-db-${tag}`;
  const workerNs = `tt-w-${tag}`;
  const dbIf = `vd${tag}`.slice(0, 15);
  const workerIf = `vw${tag}`.slice(0, 15);
  const dbAddress = `10.231.${subnet}.1`;
  const workerAddress = `10.231.${subnet}.2`;
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    for (const ns of [dbNs, workerNs]) {
      try {
        ip('netns', 'del', ns);
      } catch {
        // never made, or already gone
      }
    }
  };
  try {
    ip('netns', 'add', dbNs);
    ip('netns', 'add', workerNs);
    ip('link', 'add', dbIf, 'type', 'veth', 'peer', 'name', workerIf);
    ip('link', 'set', dbIf, 'netns', dbNs);
    ip('link', 'set', workerIf, 'netns', workerNs);
    ip('-n', dbNs, 'addr', 'add', `${dbAddress}/24`, 'dev', dbIf);
    ip('-n', workerNs, 'addr', 'add', `${workerAddress}/24`, 'dev', workerIf);
    for (const [ns, dev] of [
      [dbNs, dbIf],
      [workerNs, workerIf],
    ] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (e) {
    remove();
    throw e;
  }
  return {
    dbNs,
    workerNs,
    dbAddress,
    workerAddress,
    setLinkDown: (down) => ip('-n', workerNs, 'link', 'set', workerIf, down ? 'down' : 'up'),
    remove,
  };
}
