"use client";
// Edits the split of a service's catch-all route (splits.set without routeId): a slider and a
// number per version, a live total and stacked bar, presets, and the same validation as the API
// before anything is sent. Server refusals are shown with the controller's message.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Backend } from "@weft/contracts";
import { useState } from "react";
import { useTRPC } from "../../trpc/client";
import { errorMessage, fieldOf } from "../../trpc/errors";
import { AlertIcon } from "../../ui/icons";
import { colorOfVersion } from "../../ui/palette";
import { useToast } from "../../ui/toast";
import { SplitBar } from "./split-bar";
import {
  applyPreset,
  describeBackends,
  draftFrom,
  isDirty,
  presetsFor,
  setWeight,
  sliderValue,
  toBackends,
  validateSplit,
  type DraftRow,
} from "./split-model";

export interface SplitEditorProps {
  serviceId: string;
  /** Version names in display order. */
  versions: string[];
  /** Endpoints per version, shown under each name. */
  endpointsByVersion: Record<string, number>;
  /** The catch-all route's current split; undefined when the service has no catch-all route yet. */
  live: Backend[] | undefined;
  onApplied(revision: number): void;
}

/** Which version a server-side field such as "backends.1.weight" points at, given what was sent. */
function versionOfField(field: string | undefined, sent: readonly Backend[] | undefined): string | undefined {
  const m = field?.match(/^backends\.(\d+)/);
  return m && sent ? sent[Number(m[1])]?.version : undefined;
}

export function SplitEditor({ serviceId, versions, endpointsByVersion, live, onApplied }: SplitEditorProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [rows, setRows] = useState<DraftRow[]>(() => draftFrom(versions, live));

  const apply = useMutation(
    trpc.splits.set.mutationOptions({
      onSuccess: async (result) => {
        notify(`Applied — revision ${result.revision}`);
        onApplied(result.revision);
        await Promise.all([
          queryClient.invalidateQueries(trpc.services.pathFilter()),
          queryClient.invalidateQueries(trpc.revisions.pathFilter()),
        ]);
      },
    }),
  );

  const validation = validateSplit(rows);
  const initial = draftFrom(versions, live);
  const pristine = rows.every((r, i) => r.text === initial[i]?.text);
  const dirty = isDirty(rows, live);
  const canApply = validation.valid && dirty && !apply.isPending;
  const presets = presetsFor(versions);
  const serverField = apply.error ? fieldOf(apply.error) : undefined;
  const serverVersion = versionOfField(serverField, apply.variables?.backends);

  const edit = (next: DraftRow[]) => {
    setRows(next);
    if (apply.isError) apply.reset();
  };

  if (versions.length === 0) {
    return (
      <p className="muted" style={{ margin: 0 }}>
        This service has no versions, so there is nothing to split. Versions appear when a sidecar registers with a version label, or
        through <code>POST /api/v1/services/{"{serviceId}"}/versions</code>.
      </p>
    );
  }

  const hint = !validation.valid
    ? "Fix the weights to apply."
    : !dirty
      ? "No changes to apply."
      : `Will send ${describeBackends(toBackends(rows))}; sidecars pick it up within a second.`;

  return (
    <form
      className="split-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (canApply) apply.mutate({ serviceId, backends: toBackends(rows) });
      }}
      noValidate
      aria-label="Split editor"
    >
      <div className="split-editor__presets">
        <span className="split-editor__presets-label">Presets</span>
        {presets.map((p) => (
          <button key={p.label} type="button" className="btn btn--sm" title={p.title} aria-label={`Preset ${p.title}`} onClick={() => edit(applyPreset(rows, p))}>
            {p.label}
          </button>
        ))}
      </div>

      <div className="split-editor__rows">
        {rows.map((row) => {
          const color = colorOfVersion(versions, row.version);
          const error = validation.rowErrors[row.version] ?? (serverVersion === row.version && apply.error ? errorMessage(apply.error) : undefined);
          const errorId = `weight-error-${row.version}`;
          return (
            <div key={row.version} className="split-row">
              <div>
                <span className="chip">
                  <span className="chip__swatch" style={{ background: color }} aria-hidden="true" />
                  {row.version}
                </span>
                <div className="table__sub">
                  {endpointsByVersion[row.version] ?? 0} {endpointsByVersion[row.version] === 1 ? "endpoint" : "endpoints"}
                </div>
              </div>
              <input
                type="range"
                className="range"
                min={0}
                max={100}
                step={1}
                value={sliderValue(row.text)}
                onChange={(e) => edit(setWeight(rows, row.version, e.target.value))}
                aria-label={`${row.version} weight slider`}
                style={{ ["--row-color" as string]: color }}
              />
              <div className="split-row__num">
                <input
                  className="input"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={100}
                  step={1}
                  value={row.text}
                  onChange={(e) => edit(setWeight(rows, row.version, e.target.value))}
                  aria-label={`Weight for ${row.version}`}
                  aria-invalid={error ? true : undefined}
                  aria-describedby={error ? errorId : undefined}
                />
                <span className="split-row__pct">%</span>
              </div>
              {error ? (
                <div className="field__error split-row__error" id={errorId}>
                  {row.version}: {error}
                </div>
              ) : null}
            </div>
          );
        })}
      </div>

      <div>
        <SplitBar backends={toBackends(rows)} versions={versions} size="lg" label={`draft ${describeBackends(toBackends(rows))}`} />
      </div>

      <div
        className={`split-editor__total ${validation.totalError || Object.keys(validation.rowErrors).length ? "split-editor__total--bad" : "split-editor__total--ok"}`}
        aria-live="polite"
      >
        <span>
          Total <span className="split-editor__total-value" data-testid="split-total">{validation.total}%</span>
          <span className="muted"> of 100%</span>
        </span>
        {validation.totalError ? (
          <span className="field__error" role="alert" data-testid="split-error">
            {validation.totalError}
          </span>
        ) : Object.keys(validation.rowErrors).length ? (
          <span className="field__error" data-testid="split-error">
            fix the highlighted weight
          </span>
        ) : (
          <span className="text-ok" style={{ fontSize: 12.5 }}>
            adds up to 100
          </span>
        )}
      </div>

      {apply.isError ? (
        <div className="alert alert--bad" role="alert" data-testid="split-server-error">
          <AlertIcon size={16} />
          <span>
            <strong>The controller refused this split:</strong> {errorMessage(apply.error)}
          </span>
        </div>
      ) : null}

      <div className="split-editor__actions">
        <span className="split-editor__hint">{hint}</span>
        <button type="button" className="btn" disabled={pristine || apply.isPending} onClick={() => edit(initial)}>
          Reset
        </button>
        <button type="submit" name="Apply split" className="btn btn--primary" disabled={!canApply}>
          {apply.isPending ? "Applying…" : "Apply split"}
        </button>
      </div>
    </form>
  );
}
