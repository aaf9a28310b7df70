/**
 * The shapes and textures that carry the class in `syntheticCifar`, drawn as anti-aliased coverage
 * masks from signed distance functions (distance to the edge, negative inside). One mask per image;
 * colour is applied afterwards and knows nothing of the class.
 *
 * Coordinates: a 32-pixel reference frame, so every pattern keeps its proportions at any image size.
 * Sizes are chosen so all patterns cover a similar area (about 110–165 px² at scale 1): the amount of
 * foreground alone says little about the class.
 */

export const PATTERN_NAMES = [
  'circle',
  'square',
  'triangle',
  'cross',
  'horizontal-stripes',
  'vertical-stripes',
  'diagonal-stripes',
  'checkerboard',
  'ring',
  'blob-pair',
] as const;

/** Where and how one pattern is drawn. */
export interface PatternPlacement {
  /** Centre in pixels of the output image. */
  cx: number;
  cy: number;
  /** Pixels per reference unit (image size / 32 times the scale jitter). */
  scale: number;
  /** Rotation in radians. */
  angle: number;
  /** Stripe / checker period in reference units, and the texture's phase. */
  period: number;
  phase: number;
  /** +1 or -1: mirror (triangle points up or down; diagonal stripes lean / or \). */
  flip: number;
}

// Module-level bindings rather than `Math.x` in the per-pixel code: under jest (a vm context) every
// global lookup goes through an interceptor, and `Math.sqrt` in this loop ran 25× slower there.
const { abs, cos, max, min, sign, sin, sqrt, PI, SQRT2 } = Math;

const SQRT3 = sqrt(3);
const TAU = 2 * PI;

function box(x: number, y: number, hx: number, hy: number): number {
  const ax = abs(x) - hx;
  const ay = abs(y) - hy;
  const outside = len(max(ax, 0), max(ay, 0));
  return outside + min(max(ax, ay), 0);
}

/** Equilateral triangle of half-side r centred on its centroid (after Inigo Quilez's sdEquilateralTriangle). */
function triangle(x: number, y: number, r: number): number {
  let px = abs(x) - r;
  let py = y + r / SQRT3;
  if (px + SQRT3 * py > 0) {
    const nx = (px - SQRT3 * py) / 2;
    const ny = (-SQRT3 * px - py) / 2;
    px = nx;
    py = ny;
  }
  px -= min(max(px, -2 * r), 0);
  return -len(px, py) * sign(py);
}

/** Signed distance, in reference units, of a solid pattern; textures return the distance of their patch. */
function shapeDistance(pattern: number, x: number, y: number): number {
  switch (pattern) {
    case 0:
      return len(x, y) - 7;
    case 1:
      return box(x, y, 6, 6);
    case 2:
      return triangle(x, y, 8.5);
    case 3:
      return min(box(x, y, 7.5, 2.5), box(x, y, 2.5, 7.5));
    case 8:
      return abs(len(x, y) - 7) - 1.8;
    case 9:
      return min(len(x - 5.5, y) - 4.2, len(x + 5.5, y) - 4.2);
    default:
      return box(x, y, 9, 9); // the square patch a texture fills
  }
}

/**
 * A texture's wave at a point: positive on foreground stripes / cells, with a slope of about
 * 2π/period at the edges, so `wave * period / 2π` approximates the distance to the nearest edge.
 */
function textureWave(pattern: number, x: number, y: number, p: PatternPlacement): number {
  const k = TAU / p.period;
  switch (pattern) {
    case 4:
      return sin(k * y + p.phase);
    case 5:
      return sin(k * x + p.phase);
    case 6:
      return sin((k * (x + y)) / SQRT2 + p.phase); // y is already mirrored by `flip`
    default:
      return sin(k * x + p.phase) * sin(k * y + 2 * p.phase) * 2;
  }
}

/** Whether a pattern is a texture in a patch (its mask is patch coverage times texture coverage). */
export function isTexture(pattern: number): boolean {
  return pattern >= 4 && pattern <= 7;
}

/** Writes the coverage (0 = background, 1 = foreground) of `pattern` into `mask` (size × size, row-major). */
export function drawPattern(pattern: number, p: PatternPlacement, size: number, mask: Float32Array): void {
  const c = cos(p.angle);
  const s = sin(p.angle);
  const texture = isTexture(pattern);
  const edgeScale = (p.period * p.scale) / TAU;
  for (let row = 0; row < size; row++) {
    const dy = row + 0.5 - p.cy;
    for (let col = 0; col < size; col++) {
      const dx = col + 0.5 - p.cx;
      const x = (c * dx + s * dy) / p.scale;
      const y = ((-s * dx + c * dy) / p.scale) * p.flip;
      // Distance in pixels -> coverage of a one-pixel-wide edge: cheap anti-aliasing.
      let m = clamp01(0.5 - shapeDistance(pattern, x, y) * p.scale);
      if (texture && m > 0) m *= clamp01(0.5 + textureWave(pattern, x, y, p) * edgeScale);
      mask[row * size + col] = m;
    }
  }
}

/** Math.hypot is several times slower in V8, and this runs for every pixel. */
function len(x: number, y: number): number {
  return sqrt(x * x + y * y);
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
