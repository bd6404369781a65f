import type { RefObject } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';

/** The element's width in CSS pixels, followed as the page resizes: a chart draws in real pixels, so its text never scales. */
export function useElementWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(240, Math.floor(element.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return width;
}
