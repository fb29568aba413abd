/** Active probes: a node that fails its echo goes offline with the reason; one that answers comes back online. */
import { describe, expect, it } from 'vitest';
import { NodeHealth } from '../../../../../electron/services/pacs/nodeHealth';
import { probeNodes } from '../../../../../electron/services/pacs/healthProbes';
import { PacsError, type PacsNode } from '../../../../../electron/services/pacs/pacsNode';
import { NodeSettings } from '../../../../../electron/services/settings/settings';

function node(id: string, echo: () => Promise<number>, enabled = true): PacsNode {
  const settings = NodeSettings.parse({ id, name: `${id} PACS`, kind: 'dicomweb', url: 'http://127.0.0.1:9/x', enabled });
  return { settings, echo, find: async () => [], retrieve: async () => ({ completed: 0, failed: 0, bytes: 0 }) };
}

describe('active health probes', () => {
  it('marks nodes from their echo, and brings a recovered node back online', async () => {
    let t = 1000;
    const health = new NodeHealth({ now: () => t });
    let archiveUp = false;
    const echoes: string[] = [];
    const nodes = [
      node('onsite', async () => (echoes.push('onsite'), 3)),
      node('offsite', async () => {
        echoes.push('offsite');
        if (!archiveUp) throw new PacsError('unreachable', 'offsite', 'offsite PACS: cannot reach 10.0.0.9:104 (connection refused)');
        return 5;
      }),
      node('retired', async () => (echoes.push('retired'), 1), false),
    ];
    await probeNodes(nodes, health, true); // start-up: everyone enabled
    expect(echoes.sort()).toEqual(['offsite', 'onsite']);
    expect(health.state('onsite PACS')).toBe('online');
    expect(health.state('offsite PACS')).toBe('offline');
    expect(health.snapshot().find((e) => e.name === 'offsite PACS')?.lastFailure).toContain('connection refused');

    echoes.length = 0;
    archiveUp = true;
    t += 60000;
    await probeNodes(nodes, health); // periodic: only what is not online
    expect(echoes).toEqual(['offsite']);
    expect(health.state('offsite PACS')).toBe('online');
  });
});
