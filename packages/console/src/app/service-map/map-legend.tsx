/** What the map's colours and strokes mean. */
export function MapLegend() {
  return (
    <div class="map-legend" aria-label="Legend">
      <span>
        <i class="swatch ring health-green" /> healthy
      </span>
      <span>
        <i class="swatch ring health-yellow" /> degraded
      </span>
      <span>
        <i class="swatch ring health-red" /> failing
      </span>
      <span>
        <svg width="26" height="8" aria-hidden="true">
          <line class="legend-line" x1="0" y1="4" x2="26" y2="4" />
        </svg>
        sync call
      </span>
      <span>
        <svg width="26" height="8" aria-hidden="true">
          <line class="legend-line async" x1="0" y1="4" x2="26" y2="4" />
        </svg>
        async (queue, topic)
      </span>
      <span>
        <i class="swatch ring inferred" /> inferred peer, not instrumented
      </span>
      <span>
        <i class="swatch cluster" /> account
      </span>
    </div>
  );
}
