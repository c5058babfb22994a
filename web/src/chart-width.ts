/**
 * The width a chart has on the page, followed as the page resizes, so a chart is laid out at its real size
 * (labels keep their pixel size at 360 px instead of shrinking with a scaled viewBox): the content box's width.
 */
import { type RefObject, useLayoutEffect, useState } from "react";

export function useChartWidth(ref: RefObject<HTMLElement | null>, fallback = 720): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const style = getComputedStyle(el);
      const padding = Number.parseFloat(style.paddingLeft) + Number.parseFloat(style.paddingRight);
      const w = Math.floor(el.clientWidth - (Number.isFinite(padding) ? padding : 0));
      if (w > 0) setWidth(w);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
