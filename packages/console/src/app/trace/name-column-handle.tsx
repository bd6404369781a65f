import { clampNameColumn, NAME_COLUMN_STEP_PX } from './name-column.ts';

/**
 * The name column's right edge, dragged (or moved with ← →, Home for the stylesheet's width) to
 * widen the names or the bars. `onResize(px, done)`: done once the drag or key ends.
 */
export function NameColumnHandle({ onResize }: { onResize(px: number | null, done: boolean): void }) {
  const measure = (handle: HTMLElement) => {
    const column = handle.parentElement!.getBoundingClientRect();
    const waterfall = handle.closest('.waterfall')?.clientWidth ?? 0;
    return { left: column.left, width: column.width, waterfall };
  };
  const onPointerDown = (event: PointerEvent) => {
    const handle = event.currentTarget as HTMLElement;
    const { left, waterfall } = measure(handle);
    handle.setPointerCapture(event.pointerId);
    event.preventDefault();
    const widthAt = (move: PointerEvent) => clampNameColumn(move.clientX - left, waterfall);
    const onMove = (move: PointerEvent) => onResize(widthAt(move), false);
    const onUp = (up: PointerEvent) => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      onResize(widthAt(up), true);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const handle = event.currentTarget as HTMLElement;
    const { width, waterfall } = measure(handle);
    const step = event.key === 'ArrowLeft' ? -NAME_COLUMN_STEP_PX : event.key === 'ArrowRight' ? NAME_COLUMN_STEP_PX : 0;
    if (event.key === 'Home') onResize(null, true);
    else if (step !== 0) onResize(clampNameColumn(width + step, waterfall), true);
    else return;
    event.preventDefault();
    event.stopPropagation();
  };
  return (
    <span
      class="name-column-handle"
      role="separator"
      aria-orientation="vertical"
      aria-label="Width of the span names (drag, or ← →)"
      title="Drag to widen the span names; double-click for the default"
      tabIndex={0}
      onPointerDown={onPointerDown}
      onDblClick={() => onResize(null, true)}
      onKeyDown={onKeyDown}
    />
  );
}
