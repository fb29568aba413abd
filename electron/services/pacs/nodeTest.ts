/**
 * The settings window's "Test" of one node, saved or only typed: an echo (C-ECHO, or the DICOMweb node's cheap
 * request), then a query for one study, each step saying what worked or what failed (the PacsError messages name
 * the node, host and port, and what to check). Secrets typed in the window are used for the test only, over the
 * stored ones; nothing is saved and no SCP is started (a test never retrieves).
 */
import type { NodeTestResult, NodeTestStep } from '../../../common/ipc/contract';
import type { NodeSettings } from '../../../common/settings/nodeSettings';
import type { SecretStore } from '../secrets/secretStore';
import { MemorySecretStore } from '../secrets/secretStore';
import { parseSettings } from '../settings/settings';
import { describeFailure, withDeadline } from './federatedSearch';
import type { HttpsMemory } from './dicomweb/httpsMemory';
import { createPacsNodes } from './nodeFactory';

export interface NodeTestDeps {
  secrets: SecretStore;
  /** Typed secrets (ref → value), used instead of the stored ones for this test. */
  typedSecrets?: Readonly<Record<string, string>>;
  /** The AE title this workstation calls DIMSE nodes with, when the node names none. */
  localAeTitle: string;
  httpsMemory?: HttpsMemory;
  log?: (message: string) => void;
}

/** The stored secrets with the typed ones over them; writes go nowhere (a test saves nothing). */
function overlay(stored: SecretStore, typed: Readonly<Record<string, string>>): SecretStore {
  const mem = new MemorySecretStore();
  for (const [ref, value] of Object.entries(typed)) mem.set(ref, value);
  return { get: (ref) => mem.get(ref) ?? stored.get(ref), set: (ref, value) => mem.set(ref, value), delete: (ref) => mem.delete(ref) };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export async function testNode(node: NodeSettings, deps: NodeTestDeps): Promise<NodeTestResult> {
  const settings = parseSettings({ nodes: [{ ...node, enabled: true }], localScp: { aeTitle: deps.localAeTitle, enabled: false } }, 'the node being tested');
  const set = await createPacsNodes(settings, {
    secrets: overlay(deps.secrets, deps.typedSecrets ?? {}),
    ...(deps.httpsMemory ? { httpsMemory: deps.httpsMemory } : {}),
    ...(deps.log ? { log: deps.log } : {}),
  });
  const [pacs] = set.nodes;
  const steps: NodeTestStep[] = [];
  try {
    const started = performance.now();
    try {
      const ms = await withDeadline(pacs!, (signal) => pacs!.echo(signal));
      const rounded = Math.round(ms);
      steps.push({
        step: 'echo',
        ok: true,
        ms,
        message: node.kind === 'dimse' ? `C-ECHO answered in ${rounded} ms` : `The DICOMweb service answered in ${rounded} ms`,
        says: { key: node.kind === 'dimse' ? 'dimseEcho' : 'dicomwebEcho', values: { ms: rounded } },
      });
    } catch (err) {
      const failed = describeFailure(err);
      steps.push({ step: 'echo', ok: false, ms: performance.now() - started, message: failed.message, ...(failed.says ? { failure: failed.says } : {}) });
      // Nothing more to learn from a query to a node that does not answer an echo.
      return { ok: false, steps };
    }
    const queried = performance.now();
    try {
      const found = await withDeadline(pacs!, (signal) => pacs!.find({ level: 'STUDY', filters: {}, limit: 1 }, signal));
      const ms = performance.now() - queried;
      const rounded = Math.round(ms);
      steps.push({
        step: 'query',
        ok: true,
        ms,
        message: found.length > 0 ? `A study query answered ${plural(found.length, 'study', 'studies')} in ${rounded} ms` : `A study query answered in ${rounded} ms, with no study (an empty node, or none this account may see)`,
        says: found.length > 0 ? { key: 'queryFound', values: { count: found.length, ms: rounded } } : { key: 'queryEmpty', values: { ms: rounded } },
      });
    } catch (err) {
      const failed = describeFailure(err);
      steps.push({ step: 'query', ok: false, ms: performance.now() - queried, message: failed.message, ...(failed.says ? { failure: failed.says } : {}) });
    }
    return { ok: steps.every((s) => s.ok), steps };
  } finally {
    await set.close();
  }
}
