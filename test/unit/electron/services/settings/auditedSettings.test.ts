/**
 * Saved settings changes record a Security Alert typed by what changed (network, security or software
 * configuration), naming the settings but never their values; a save that changes nothing, or fails
 * validation, records nothing. Read back from the real audit log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditedSettings } from '../../../../../electron/services/settings/auditedSettings';
import { MemorySettingsStore, SettingsError } from '../../../../../electron/services/settings/settings';
import { openTestAudit, type TestAudit } from '../../../../support/auditTrail';
import { makeTempDir, removeDir } from '../../../../support/tempDir';

let dir: string;
let audit: TestAudit;
beforeEach(async () => {
  dir = await makeTempDir('dokuei-settings-audit-');
  audit = await openTestAudit(dir);
});
afterEach(async () => {
  await audit.log.close();
  await removeDir(dir);
});

const node = { id: 'onsite', name: 'Onsite', kind: 'dicomweb' as const, url: 'https://pacs.example/dicom-web' };

describe('settings audit', () => {
  it('records each change with its kind and the names of what changed', async () => {
    const settings = auditedSettings(new MemorySettingsStore({}), audit.sink);
    settings.set({ ...settings.get(), archive: { quotaGb: 50 } });
    settings.set({ ...settings.get(), nodes: [node] });
    settings.set({ ...settings.get(), nodes: [{ ...node, auth: { type: 'basic', username: 'dokuei', secretRef: 'onsite-password' } }] });
    settings.set(settings.get()); // nothing changed
    expect(() => settings.set({ ...settings.get(), archive: { quotaGb: -1 } })).toThrow(SettingsError);
    const records = await audit.records();
    expect(records.map((r) => [r.eventId, r.eventType, r.outcome])).toEqual([
      ['110113', 'Software Configuration', 0],
      ['110113', 'Network Configuration', 0],
      ['110113', 'Security Configuration', 0],
    ]);
    const detail = (xml: string) => Buffer.from(/type="Alert Description" value="([^"]+)"/.exec(xml)![1]!, 'base64').toString('utf8');
    expect(detail(records[0]!.xml)).toBe('Settings changed: archive.quotaGb');
    expect(detail(records[2]!.xml)).toBe('Settings changed: nodes');
    expect(records[2]!.xml).not.toContain('onsite-password');
  });

  it('records turning audit forwarding on or retargeting it as a Security Configuration change', async () => {
    const settings = auditedSettings(new MemorySettingsStore({}), audit.sink);
    settings.set({ ...settings.get(), audit: { forwarding: { enabled: true, host: 'arr.example', caFile: '/ca.pem' } } });
    settings.set({ ...settings.get(), audit: { forwarding: { enabled: true, host: 'rogue.example', caFile: '/ca.pem' } } });
    const records = await audit.records();
    expect(records.map((r) => r.eventType)).toEqual(['Security Configuration', 'Security Configuration']);
    expect(records[1]!.xml).not.toContain('rogue.example');
  });
});
