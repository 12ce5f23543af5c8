// One form field: its label, an optional hint and an optional field error, then the control (so controls
// side by side in a row stay aligned), described by the hint and the error (aria-describedby) and
// marked invalid while it has an error.
import type { Child } from "hono/jsx";

type FieldBase = {
  id: string;
  name: string;
  label: Child;
  hint?: Child | undefined;
  error?: string | null | undefined;
  /** Ids of other elements that describe this control (an error list above the form). */
  describedBy?: string | undefined;
};

function describedBy(p: FieldBase): string | undefined {
  const ids = [p.hint ? `${p.id}-hint` : "", p.error ? `${p.id}-error` : "", p.describedBy ?? ""];
  return ids.filter(Boolean).join(" ") || undefined;
}

function Frame({ p, children }: { p: FieldBase; children: Child }) {
  return (
    <div class={p.error ? "field invalid" : "field"}>
      <label for={p.id}>{p.label}</label>
      {p.hint ? (
        <small class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </small>
      ) : null}
      {p.error ? (
        <small class="field-error" id={`${p.id}-error`}>
          {p.error}
        </small>
      ) : null}
      {children}
    </div>
  );
}

export type InputProps = FieldBase & {
  value?: string | undefined;
  type?: "text" | "url" | "password" | "datetime-local";
  required?: boolean;
  size?: number;
  maxlength?: number;
  inputmode?: "decimal";
  pattern?: string;
  placeholder?: string;
  autocomplete?: "off";
};

export function Input(p: InputProps) {
  return (
    <Frame p={p}>
      <input
        id={p.id}
        name={p.name}
        type={p.type ?? "text"}
        value={p.value}
        required={p.required}
        size={p.size}
        maxlength={p.maxlength}
        inputmode={p.inputmode}
        pattern={p.pattern}
        placeholder={p.placeholder}
        autocomplete={p.autocomplete}
        aria-describedby={describedBy(p)}
        aria-invalid={p.error ? "true" : undefined}
      />
    </Frame>
  );
}

export type Option = string | { value: string; label: string };

export function Select(p: FieldBase & { options: readonly Option[]; value?: string | undefined }) {
  return (
    <Frame p={p}>
      <select
        id={p.id}
        name={p.name}
        aria-describedby={describedBy(p)}
        aria-invalid={p.error ? "true" : undefined}
      >
        {p.options.map((o) => {
          const { value, label } = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option value={value} selected={value === p.value}>
              {label}
            </option>
          );
        })}
      </select>
    </Frame>
  );
}

export function TextArea(p: FieldBase & { value: string; class?: string; spellcheck?: boolean }) {
  return (
    <Frame p={p}>
      <textarea
        id={p.id}
        name={p.name}
        class={p.class}
        spellcheck={p.spellcheck}
        aria-describedby={describedBy(p)}
        aria-invalid={p.error ? "true" : undefined}
      >
        {p.value}
      </textarea>
    </Frame>
  );
}

/** A checkbox with its label after it. */
export function Checkbox(p: { id: string; name: string; value: string; label: Child; checked?: boolean }) {
  return (
    <div class="field check">
      <input type="checkbox" id={p.id} name={p.name} value={p.value} checked={p.checked} />
      <label for={p.id}>{p.label}</label>
    </div>
  );
}
