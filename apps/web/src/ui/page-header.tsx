// The title block every page starts with: optional breadcrumb, title, one-line description, actions.
import Link from "next/link";
import type { ReactNode } from "react";
import { ChevronRightIcon } from "./icons";

export function PageHeader(props: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  crumbs?: Array<{ href: string; label: string }>;
}) {
  return (
    <header className="page-header">
      <div>
        {props.crumbs?.length ? (
          <nav className="breadcrumb" aria-label="Breadcrumb">
            {props.crumbs.map((c) => (
              <span key={c.href} className="row" style={{ gap: 6 }}>
                <Link href={c.href}>{c.label}</Link>
                <ChevronRightIcon size={14} />
              </span>
            ))}
          </nav>
        ) : null}
        <h1 className="page-header__title">{props.title}</h1>
        {props.description ? <p className="page-header__desc">{props.description}</p> : null}
      </div>
      {props.actions ? <div className="page-header__actions">{props.actions}</div> : null}
    </header>
  );
}
