/**
 * One PACS node's form in the settings window: DICOMweb (URL, sign-in, TLS files) or DIMSE (AE title, host, port,
 * C-GET or C-MOVE), its role and priority. Each field says what is wrong beside it as the reader types (after the
 * field was left, or after Save was tried); Test runs echo + a one-study query on the node as typed.
 */
import { useId, useState, type ReactNode } from 'react';
import type { NodeTestResult } from '../../../../common/ipc/contract';
import { saysText, useTranslation } from '../../../ui/i18n';
import type { DraftProblems, NodeDraft, Problem } from '../model/nodeDraft';

export interface NodeEditorProps {
  draft: NodeDraft;
  /** The id the node will have (typed, or proposed from the name). */
  id: string;
  problems: DraftProblems;
  /** Whether the secret store already holds the node's password/token and client key. */
  secretStored: boolean;
  clientKeyStored: boolean;
  isNew: boolean;
  busy: boolean;
  testResult?: NodeTestResult | undefined;
  onChange(next: NodeDraft): void;
  onSave(): void;
  onTest(): void;
  onCancel(): void;
}

export function NodeTestSteps({ result }: { result: NodeTestResult }) {
  const { t } = useTranslation();
  return (
    <ul className={`node-test ${result.ok ? 'ok' : 'failed'}`} data-testid="node-test" data-ok={result.ok}>
      {result.steps.map((s) => (
        <li key={s.step} className={s.ok ? 'ok' : 'error'}>
          <strong>{s.ok ? '✓ ' : '✗ '}{t(`settings.test.${s.step}`)}</strong> {s.says ? t(`settings.test.says.${s.says.key}`, s.says.values) : saysText(t, s.failure, s.message)}
        </li>
      ))}
      {result.ok ? <li className="ok">{t('settings.test.allGood')}</li> : null}
    </ul>
  );
}

export function NodeEditor(props: NodeEditorProps) {
  const { t } = useTranslation();
  const { draft: d, problems, onChange } = props;
  const [left, setLeft] = useState<ReadonlySet<keyof NodeDraft>>(new Set());
  const [tried, setTried] = useState(false);
  const formId = useId();
  const set = <K extends keyof NodeDraft>(key: K, value: NodeDraft[K]) => onChange({ ...d, [key]: value, ...(key === 'id' ? { idTouched: true } : {}) });
  const shown = (key: keyof NodeDraft): Problem | undefined => (tried || left.has(key) ? problems[key] : undefined);
  const say = (p: Problem) => t(`settings.problem.${p.key}`, p.values ?? {});

  const field = (key: keyof NodeDraft, label: string, input: (common: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string; onBlur(): void }) => ReactNode, hint?: string) => {
    const id = `${formId}-${key}`;
    const problem = shown(key);
    const describedBy = [problem ? `${id}-problem` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
    return (
      <div className="field" data-field={key}>
        <label htmlFor={id}>{label}</label>
        {input({ id, 'aria-invalid': !!problem, ...(describedBy ? { 'aria-describedby': describedBy } : {}), onBlur: () => setLeft((s) => new Set(s).add(key)) })}
        {hint ? (
          <span className="field-hint" id={`${id}-hint`}>
            {hint}
          </span>
        ) : null}
        {problem ? (
          <span className="field-problem" id={`${id}-problem`} data-testid={`problem-${key}`}>
            {say(problem)}
          </span>
        ) : null}
      </div>
    );
  };
  const text = (key: keyof NodeDraft, label: string, opts: { type?: string; placeholder?: string; hint?: string; autoComplete?: string } = {}) =>
    field(
      key,
      label,
      (common) => <input {...common} type={opts.type ?? 'text'} value={String(d[key])} placeholder={opts.placeholder} autoComplete={opts.autoComplete ?? 'off'} onChange={(e) => set(key, e.target.value as never)} />,
      opts.hint,
    );
  const hasProblems = Object.keys(problems).length > 0;

  return (
    <form
      className="node-editor"
      aria-label={props.isNew ? t('settings.nodes.newTitle', { kind: t(`settings.kind.${d.kind}`) }) : t('settings.nodes.editTitle', { name: d.name })}
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (!hasProblems) props.onSave();
      }}
    >
      <h3>{props.isNew ? t('settings.nodes.newTitle', { kind: t(`settings.kind.${d.kind}`) }) : t('settings.nodes.editTitle', { name: d.name })}</h3>
      <div className="field-grid">
        {text('name', t('settings.field.name'))}
        {field('id', t('settings.field.id'), (c) => <input {...c} value={props.id} onChange={(e) => set('id', e.target.value)} />, t('settings.hint.id'))}
        {field('role', t('settings.field.role'), (c) => (
          <select {...c} value={d.role} onChange={(e) => set('role', e.target.value as NodeDraft['role'])}>
            {(['onsite', 'offsite', 'other'] as const).map((r) => (
              <option key={r} value={r}>
                {t(`settings.role.${r}`)}
              </option>
            ))}
          </select>
        ))}
        {text('priority', t('settings.field.priority'), { type: 'number', hint: t('settings.hint.priority') })}
        {text('timeoutMs', t('settings.field.timeoutMs'), { type: 'number' })}
        <div className="field field-check">
          <label>
            <input type="checkbox" checked={d.enabled} onChange={(e) => set('enabled', e.target.checked)} /> {t('settings.field.enabled')}
          </label>
        </div>
        {d.kind === 'dicomweb' ? (
          <>
            {text('url', t('settings.field.url'), { type: 'url', placeholder: 'https://pacs.example/dicom-web' })}
            {field('authType', t('settings.field.auth'), (c) => (
              <select {...c} value={d.authType} onChange={(e) => set('authType', e.target.value as NodeDraft['authType'])}>
                {(['none', 'basic', 'bearer', 'oauth2'] as const).map((a) => (
                  <option key={a} value={a}>
                    {t(`settings.auth.${a}`)}
                  </option>
                ))}
              </select>
            ))}
            {d.authType === 'basic' ? text('username', t('settings.field.username'), { autoComplete: 'username' }) : null}
            {d.authType === 'basic' || d.authType === 'bearer'
              ? text('secret', d.authType === 'basic' ? t('settings.field.password') : t('settings.field.token'), {
                  type: 'password',
                  autoComplete: 'new-password',
                  hint: props.secretStored ? t('settings.hint.secretStored') : t('settings.hint.secretStore'),
                })
              : null}
            {d.authType === 'oauth2' ? (
              <>
                {text('authorizationUrl', t('settings.field.authorizationUrl'), { type: 'url' })}
                {text('tokenUrl', t('settings.field.tokenUrl'), { type: 'url' })}
                {text('clientId', t('settings.field.clientId'))}
                {text('scope', t('settings.field.scope'), { hint: t('settings.hint.oauth') })}
              </>
            ) : null}
            {text('caFile', t('settings.field.caFile'), { placeholder: '/etc/ssl/hospital-ca.pem' })}
            {text('clientCertFile', t('settings.field.clientCertFile'))}
            {d.clientCertFile ? (
              <div className="field" data-field="clientKey">
                <label htmlFor={`${formId}-clientKey`}>{t('settings.field.clientKey')}</label>
                <textarea
                  id={`${formId}-clientKey`}
                  rows={3}
                  value={d.clientKey}
                  aria-invalid={!!shown('clientKey')}
                  onBlur={() => setLeft((s) => new Set(s).add('clientKey'))}
                  onChange={(e) => set('clientKey', e.target.value)}
                  placeholder={props.clientKeyStored ? t('settings.hint.secretStored') : '-----BEGIN PRIVATE KEY-----'}
                />
                {shown('clientKey') ? <span className="field-problem">{say(shown('clientKey')!)}</span> : null}
              </div>
            ) : null}
            <div className="field field-check">
              <label>
                <input type="checkbox" checked={d.allowInsecureCredentials} onChange={(e) => set('allowInsecureCredentials', e.target.checked)} /> {t('settings.field.allowInsecure')}
              </label>
            </div>
          </>
        ) : (
          <>
            {text('host', t('settings.field.host'), { placeholder: 'pacs.hospital.local' })}
            {text('port', t('settings.field.port'), { type: 'number' })}
            {text('calledAeTitle', t('settings.field.calledAeTitle'))}
            {text('callingAeTitle', t('settings.field.callingAeTitle'), { hint: t('settings.hint.callingAeTitle') })}
            {field('retrieve', t('settings.field.retrieve'), (c) => (
              <select {...c} value={d.retrieve} onChange={(e) => set('retrieve', e.target.value as NodeDraft['retrieve'])}>
                {(['C-GET', 'C-MOVE'] as const).map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            ), d.retrieve === 'C-MOVE' ? t('settings.hint.cmove') : undefined)}
          </>
        )}
      </div>
      <div className="file-actions">
        <button type="submit" className="primary" disabled={props.busy}>
          {t('settings.nodes.save')}
        </button>
        <button type="button" disabled={props.busy || hasProblems} onClick={props.onTest}>
          {props.busy ? t('settings.test.running') : t('settings.nodes.test')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('settings.nodes.cancel')}
        </button>
        {tried && hasProblems ? (
          <span className="field-problem" role="alert">
            {t('settings.nodes.fixFields')}
          </span>
        ) : null}
      </div>
      {props.testResult ? <NodeTestSteps result={props.testResult} /> : null}
    </form>
  );
}
