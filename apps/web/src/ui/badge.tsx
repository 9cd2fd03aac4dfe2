// Status pills. Tone carries colour; the text always says the status too.
import type { ReactNode } from "react";

export type Tone = "ok" | "warn" | "bad" | "info" | "neutral";

export function Badge({ tone, children, title, dot = false }: { tone: Tone; children: ReactNode; title?: string; dot?: boolean }) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {dot ? <span className="dot" aria-hidden="true" /> : null}
      {children}
    </span>
  );
}

export function VersionChip({ name, color }: { name: string; color?: string }) {
  return (
    <span className="chip">
      {color ? <span className="chip__swatch" style={{ background: color }} aria-hidden="true" /> : null}
      {name}
    </span>
  );
}
