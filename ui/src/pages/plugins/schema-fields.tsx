/** The controls of a generated config form (the fields come from schema-form.ts). */
import { Field } from "../../components";
import { hintOf, optionValue, type Draft, type FieldSpec } from "./schema-form";

export interface FieldsProps {
  spec: FieldSpec;
  draft: Draft;
  onChange: (id: string, value: string | boolean) => void;
  /** Problems by field id (the form's own checks and the API's). */
  errors: Record<string, string>;
}

/** The fields of `spec`: the root object's fields directly, nested objects as fieldsets. */
export function SchemaFields(props: FieldsProps) {
  const { spec } = props;
  if (spec.kind === "object" && spec.path.length === 0) {
    if (!spec.fields.length) return <p class="muted">This plugin has no settings.</p>;
    return <>{spec.fields.map((f) => <SchemaField key={f.id} {...props} spec={f} />)}</>;
  }
  return <SchemaField {...props} />;
}

function SchemaField(props: FieldsProps) {
  const { spec, draft, onChange, errors } = props;
  const label = spec.key || "config";
  const hint = hintOf(spec) || undefined;
  const error = errors[spec.id] ?? null;
  const value = draft[spec.id];
  const text = typeof value === "string" ? value : "";
  switch (spec.kind) {
    case "object":
      return (
        <fieldset class="schema-group">
          <legend>{label}</legend>
          {spec.description ? <p class="muted small">{spec.description}</p> : null}
          {spec.fields.map((f) => <SchemaField key={f.id} {...props} spec={f} />)}
        </fieldset>
      );
    case "boolean":
      return (
        <div class={`field ${error ? "invalid" : ""}`}>
          <label class="check">
            <input type="checkbox" checked={value === true} onChange={(e) => onChange(spec.id, (e.currentTarget as HTMLInputElement).checked)} />
            {label}
          </label>
          {hint ? <small class="muted">{hint}</small> : null}
          {error ? <small class="error-text" role="alert">{error}</small> : null}
        </div>
      );
    case "select":
      return (
        <Field label={label} hint={hint} error={error}>
          {(id) => (
            <select id={id} value={text} onChange={(e) => onChange(spec.id, (e.currentTarget as HTMLSelectElement).value)}>
              <option value="">{spec.default !== undefined ? `(default: ${String(spec.default)})` : "(not set)"}</option>
              {spec.options.map((o) => (
                <option key={optionValue(o)} value={optionValue(o)}>{String(o)}</option>
              ))}
            </select>
          )}
        </Field>
      );
    case "number":
      return (
        <Field label={label} hint={hint} error={error}>
          {(id) => (
            <input
              id={id}
              type="number"
              inputMode={spec.integer ? "numeric" : "decimal"}
              step={spec.integer ? 1 : "any"}
              min={spec.min}
              max={spec.max}
              value={text}
              placeholder={spec.default !== undefined ? String(spec.default) : undefined}
              onInput={(e) => onChange(spec.id, (e.currentTarget as HTMLInputElement).value)}
            />
          )}
        </Field>
      );
    case "text":
      return (
        <Field label={label} hint={hint} error={error}>
          {(id) => {
            const common = {
              id,
              spellcheck: false,
              value: text,
              minLength: spec.minLength,
              maxLength: spec.maxLength,
              placeholder: typeof spec.default === "string" ? spec.default : undefined,
              onInput: (e: Event) => onChange(spec.id, (e.currentTarget as HTMLInputElement).value),
            };
            return spec.secret ? <input type="password" autoComplete="new-password" {...common} /> : <input type="text" autoComplete="off" {...common} />;
          }}
        </Field>
      );
    case "lines":
    case "json":
      return (
        <Field label={label} hint={hint} error={error}>
          {(id) => (
            <textarea
              id={id}
              rows={spec.kind === "json" ? Math.min(12, Math.max(3, text.split("\n").length)) : 3}
              spellcheck={false}
              value={text}
              onInput={(e) => onChange(spec.id, (e.currentTarget as HTMLTextAreaElement).value)}
            />
          )}
        </Field>
      );
  }
}
