/** A one-line message strip; errors are announced to screen readers. */
export function Banner({ kind, children, onDismiss }: { kind: 'error' | 'warn' | 'info'; children: React.ReactNode; onDismiss?: () => void }) {
  return (
    <div className={`banner ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
      {onDismiss ? (
        <button style={{ marginLeft: 12 }} onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      ) : null}
    </div>
  );
}
