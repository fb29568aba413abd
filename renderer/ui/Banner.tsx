import { useTranslation } from './i18n';

/** A one-line message strip; errors are announced to screen readers. */
export function Banner({ kind, children, onDismiss }: { kind: 'error' | 'warn' | 'info'; children: React.ReactNode; onDismiss?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
      {onDismiss ? (
        <button style={{ marginLeft: 12 }} onClick={onDismiss} aria-label={t('common.dismiss')}>
          ×
        </button>
      ) : null}
    </div>
  );
}
