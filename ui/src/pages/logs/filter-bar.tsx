/** The Logs page's filter controls: each change becomes a new hash query (the page reads it back). */
import { useEffect, useRef, useState } from "preact/hooks";
import { Button, Field } from "../../components";
import { activeCount, PERIODS, STATUSES, type Filters } from "./filters";
import type { FilterData } from "./types";

interface Option {
  value: string;
  label: string;
}

/** A single choice over a comma-list filter; a list from a link that no option names is kept as its own option. */
function ListSelect(props: { label: string; all: string; values: string[]; options: Option[]; onChange: (values: string[]) => void }) {
  const current = props.values.join(",");
  const options = current && !props.options.some((o) => o.value === current) ? [...props.options, { value: current, label: props.values.join(", ") }] : props.options;
  return (
    <Field label={props.label}>
      {(id) => (
        <select id={id} value={current} onChange={(e) => props.onChange(e.currentTarget.value ? e.currentTarget.value.split(",") : [])}>
          <option value="">{props.all}</option>
          {options.map((o) => (
            <option value={o.value}>{o.label}</option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** ISO time → a datetime-local input's value (local time, minutes). */
function toLocalInput(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  return new Date(t - new Date(t).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

const fromLocalInput = (v: string) => (v ? new Date(v).toISOString() : "");

const SEARCH_DEBOUNCE_MS = 400;

export function FilterBar(props: { filters: Filters; data: FilterData | undefined; onChange: (f: Filters) => void }) {
  const f = props.filters;
  const set = (patch: Partial<Filters>) => props.onChange({ ...f, ...patch });

  // The search box applies on Enter, or once typing pauses.
  const [text, setText] = useState(f.content_search);
  useEffect(() => setText(f.content_search), [f.content_search]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const applySearch = (v: string) => {
    clearTimeout(timer.current);
    if (v.trim() !== f.content_search) set({ content_search: v.trim() });
  };

  const d = props.data;
  const names = (xs: string[] | undefined) => (xs ?? []).map((x) => ({ value: x, label: x }));
  const range = f.period || (f.start_time || f.end_time ? "custom" : "");

  return (
    <form
      class="filters logs-filters"
      aria-label="Log filters"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        applySearch(text);
      }}
    >
      <Field label="Search">
        {(id) => (
          <input
            id={id}
            type="search"
            placeholder="Text in prompts, answers and errors"
            value={text}
            onInput={(e) => {
              const v = e.currentTarget.value;
              setText(v);
              clearTimeout(timer.current);
              timer.current = setTimeout(() => applySearch(v), SEARCH_DEBOUNCE_MS);
            }}
          />
        )}
      </Field>
      <ListSelect label="Status" all="Any status" values={f.status} options={STATUSES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))} onChange={(status) => set({ status })} />
      <ListSelect label="Provider" all="All providers" values={f.providers} options={names(d?.providers)} onChange={(providers) => set({ providers })} />
      <ListSelect label="Model" all="All models" values={f.models} options={names(d?.models)} onChange={(models) => set({ models })} />
      <ListSelect
        label="Virtual key"
        all="Any virtual key"
        values={f.virtual_key_ids}
        options={(d?.virtual_keys ?? []).map((v) => ({ value: v.id, label: v.name }))}
        onChange={(virtual_key_ids) => set({ virtual_key_ids })}
      />
      <Field label="Time range">
        {(id) => (
          <select
            id={id}
            value={range}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (v === "custom") set({ period: "", start_time: new Date(Date.now() - 3_600_000).toISOString(), end_time: "" });
              else set({ period: v, start_time: "", end_time: "" });
            }}
          >
            <option value="">All time</option>
            {PERIODS.map((p) => (
              <option value={p.id}>{p.label}</option>
            ))}
            <option value="custom">Custom range</option>
          </select>
        )}
      </Field>
      {range === "custom" ? (
        <>
          <Field label="From">{(id) => <input id={id} type="datetime-local" value={toLocalInput(f.start_time)} onChange={(e) => set({ start_time: fromLocalInput(e.currentTarget.value) })} />}</Field>
          <Field label="To">{(id) => <input id={id} type="datetime-local" value={toLocalInput(f.end_time)} onChange={(e) => set({ end_time: fromLocalInput(e.currentTarget.value) })} />}</Field>
        </>
      ) : null}
      {activeCount(f) ? (
        <Button variant="ghost" onClick={() => props.onChange({ providers: [], models: [], status: [], virtual_key_ids: [], content_search: "", period: "", start_time: "", end_time: "" })}>
          Clear filters
        </Button>
      ) : null}
    </form>
  );
}
