// An empty panel that says why it is empty and what to do about it.
import type { ReactNode } from "react";
import { InboxIcon } from "./icons";

export function EmptyState(props: { title: ReactNode; children?: ReactNode; icon?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <div className="empty__icon">{props.icon ?? <InboxIcon size={22} />}</div>
      <div className="empty__title">{props.title}</div>
      {props.children ? <p className="empty__body">{props.children}</p> : null}
      {props.action ? <div className="empty__action">{props.action}</div> : null}
    </div>
  );
}
