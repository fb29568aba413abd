/**
 * The header's node chips: a node that sends credentials over plain http (allowInsecureCredentials) carries a
 * visible warning marker whose tooltip says what is wrong and how to fix it; other nodes carry none.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { NodeHealthBar } from '../../../../../../renderer/features/status/components/NodeHealthBar';
import { insecureNodeIds, insecureNodeWarning } from '../../../../../../renderer/features/status/model/insecureNodes';

describe('NodeHealthBar insecure marker', () => {
  const rows = [
    { nodeId: 'ward', name: 'Ward PACS', state: 'online' as const },
    { nodeId: 'onsite', name: 'On-site PACS', state: 'online' as const },
  ];

  it('marks only the nodes listed as insecure, with a warning tooltip naming the node and the setting', () => {
    const insecure = insecureNodeIds([
      { id: 'ward', insecure: true },
      { id: 'onsite', insecure: false },
    ]);
    const html = renderToStaticMarkup(createElement(NodeHealthBar, { rows, insecure }));
    // Static markup, no DOM in the unit project: one chip per node, in order.
    const chips = html.split('<span class="chip ').slice(1);
    expect(chips).toHaveLength(2);
    const [ward, onsite] = chips as [string, string];
    expect(ward).toMatch(/^health online insecure" data-node-id="ward"/);
    expect(ward).toContain('⚠');
    const escaped = insecureNodeWarning('Ward PACS').replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    expect(ward).toContain(`class="insecure-marker" role="img" aria-label="${escaped}" title="${escaped}"`);
    expect(insecureNodeWarning('Ward PACS')).toMatch(/^Insecure: Ward PACS sends its password or tokens over plain http:\/\/.*allowInsecureCredentials.*https:\/\//);
    expect(onsite).toMatch(/^health online" data-node-id="onsite"/);
    expect(onsite).not.toContain('insecure-marker');
  });

  it('shows no marker when nothing is insecure (or the host does not say)', () => {
    const html = renderToStaticMarkup(createElement(NodeHealthBar, { rows }));
    expect(html).not.toContain('insecure');
  });
});
