// A modal dialog on the native <dialog> element: the page behind is inert, Tab stays
// inside, Esc closes, focus starts on the first field (or the element marked autofocus)
// and goes back to whatever opened it when it closes.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

interface Props {
  readonly title: string;
  readonly onClose: () => void;
  readonly children: ComponentChildren;
  /** "wide" for the assignment modal. */
  readonly size?: "normal" | "wide";
}

let nextId = 0;

export function Modal({ title, onClose, children, size = "normal" }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useRef(`modal-title-${++nextId}`).current;
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    const first =
      dialog.querySelector<HTMLElement>("[autofocus]") ??
      dialog.querySelector<HTMLElement>("input, select, textarea, button:not(.modal-close)");
    first?.focus();
    const onCancel = (e: Event) => {
      e.preventDefault();
      close.current();
    };
    dialog.addEventListener("cancel", onCancel);
    return () => {
      dialog.removeEventListener("cancel", onCancel);
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);

  return (
    <dialog ref={ref} class={`modal modal-${size}`} aria-labelledby={titleId}>
      <header class="modal-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="modal-close" aria-label="Close" onClick={() => close.current()}>
          ×
        </button>
      </header>
      <div class="modal-body">{children}</div>
    </dialog>
  );
}
