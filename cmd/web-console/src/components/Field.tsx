// A labelled form field with the server's complaints about it (field violations) below.
import type { ComponentChildren } from "preact";

export function Field({ label, errors, children }: { readonly label: string; readonly errors: readonly string[]; readonly children: ComponentChildren }) {
  return (
    <label class={errors.length ? "invalid" : undefined}>
      {label}
      {children}
      {errors.map((e) => <span key={e} class="field-error">{e}</span>)}
    </label>
  );
}
