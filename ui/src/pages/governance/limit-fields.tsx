/** The budget and rate limit inputs every governance form shares. */
import { Field } from "../../components";
import type { FormErrors, LimitForm } from "./forms";

const DURATIONS = ["1m", "5m", "15m", "30m", "1h", "6h", "12h", "1d", "1w", "1M", "1Q", "1Y"];

export function DurationList() {
  return (
    <datalist id="gov-durations">
      {DURATIONS.map((d) => <option value={d} />)}
    </datalist>
  );
}

function NumberInput(props: { label: string; value: string; onInput: (v: string) => void; error?: string; hint?: string; step: string; placeholder?: string }) {
  return (
    <Field label={props.label} error={props.error ?? null} hint={props.hint}>
      {(id) => <input id={id} type="number" min="0" step={props.step} inputMode="decimal" placeholder={props.placeholder} value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />}
    </Field>
  );
}

function DurationInput(props: { label: string; value: string; onInput: (v: string) => void; error?: string }) {
  return (
    <Field label={props.label} error={props.error ?? null}>
      {(id) => <input id={id} list="gov-durations" autoComplete="off" spellcheck={false} value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />}
    </Field>
  );
}

export function LimitFields(props: { value: LimitForm; onChange: (v: LimitForm) => void; errors: FormErrors<keyof LimitForm> }) {
  const v = props.value;
  const set = (k: keyof LimitForm) => (x: string) => props.onChange({ ...v, [k]: x });
  return (
    <>
      <DurationList />
      <fieldset class="gov-fieldset">
        <legend>Budget</legend>
        <div class="gov-form-grid">
          <NumberInput label="Budget limit (USD)" step="any" placeholder="none" value={v.budget_max} onInput={set("budget_max")} error={props.errors.budget_max} hint="Empty: no budget." />
          <DurationInput label="Budget resets every" value={v.budget_reset} onInput={set("budget_reset")} error={props.errors.budget_reset} />
        </div>
      </fieldset>
      <fieldset class="gov-fieldset">
        <legend>Rate limit</legend>
        <div class="gov-form-grid">
          <NumberInput label="Token limit" step="1" placeholder="none" value={v.token_max} onInput={set("token_max")} error={props.errors.token_max} />
          <DurationInput label="Tokens reset every" value={v.token_reset} onInput={set("token_reset")} error={props.errors.token_reset} />
          <NumberInput label="Request limit" step="1" placeholder="none" value={v.request_max} onInput={set("request_max")} error={props.errors.request_max} />
          <DurationInput label="Requests reset every" value={v.request_reset} onInput={set("request_reset")} error={props.errors.request_reset} />
        </div>
      </fieldset>
    </>
  );
}
