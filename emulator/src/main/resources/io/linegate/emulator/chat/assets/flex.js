// Flex Messages drawn with CSS flexbox, following LINE's "Flex Message layout" and "Flex Message
// elements" pages: a box is a flex container, its components are flex items. Everything a bot sent is
// untrusted: values become DOM properties and CSSOM values, never markup, and colours, sizes and URLs
// are checked before use. A component this renderer does not know is shown as its JSON, never blank.

import { videoPlayer } from './media.js';

const KEYWORD_PX = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const BORDER_PX = { none: 0, light: 0.5, normal: 1, medium: 2, 'semi-bold': 3, bold: 4 };
const TEXT_PX = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, '3xl': 35, '4xl': 48, '5xl': 74 };
const IMAGE_PX = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, '3xl': 180, '4xl': 200, '5xl': 220 };
const BUBBLE_PX = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 500 };
// The padding a block's box gets when it sets none (as LINE's apps draw a bubble).
const BLOCK_PADDING = { header: 20, hero: 0, body: 20, footer: 10 };

/** "#RRGGBB" or "#RRGGBBAA", else undefined. */
export function color(v) {
  return typeof v === 'string' && /^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.test(v) ? v : undefined;
}

/** A length: a keyword of `table`, "12px" or "10%"; else undefined. */
function length(v, table) {
  if (typeof v !== 'string') return undefined;
  if (table && Object.prototype.hasOwnProperty.call(table, v)) return table[v] + 'px';
  return /^\d+(\.\d+)?(px|%)$/.test(v) ? v : undefined;
}

function httpsUrl(v) {
  return typeof v === 'string' && /^https:\/\//i.test(v) ? v : undefined;
}

function el(tag, cls) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
}

/** Renders a Flex container (bubble or carousel); `ctx.onAction(action)` runs tapped actions. */
export function renderFlex(contents, ctx) {
  if (contents && contents.type === 'carousel' && Array.isArray(contents.contents)) {
    const c = el('div', 'flex-carousel');
    for (const b of contents.contents) c.appendChild(bubble(b, ctx));
    return c;
  }
  return bubble(contents, ctx);
}

function bubble(b, ctx) {
  if (!b || b.type !== 'bubble') return unknown(b);
  const e = el('div', 'flex-bubble');
  e.style.width = (BUBBLE_PX[b.size] || BUBBLE_PX.mega) + 'px';
  if (b.direction === 'rtl') e.dir = 'rtl';
  const styles = b.styles || {};
  let first = true;
  for (const name of ['header', 'hero', 'body', 'footer']) {
    const block = b[name];
    if (!block) continue;
    const s = styles[name] || {};
    const wrap = el('div', 'flex-block flex-' + name);
    if (color(s.backgroundColor)) wrap.style.backgroundColor = color(s.backgroundColor);
    if (!first && s.separator) {
      wrap.style.borderTop = '1px solid ' + (color(s.separatorColor) || '#e5e5e5');
    }
    const content = component(block, 'vertical', ctx);
    if (block.type === 'box' && !hasPadding(block)) content.style.padding = BLOCK_PADDING[name] + 'px';
    wrap.appendChild(content);
    e.appendChild(wrap);
    first = false;
  }
  if (b.action) clickable(e, b.action, ctx);
  return e;
}

function hasPadding(box) {
  return ['paddingAll', 'paddingTop', 'paddingBottom', 'paddingStart', 'paddingEnd'].some(p => box[p] !== undefined);
}

/** One component inside a box of `parentLayout` (or a block, laid out as a vertical box's child). */
function component(c, parentLayout, ctx) {
  if (!c || typeof c !== 'object') return unknown(c);
  switch (c.type) {
    case 'box': return box(c, ctx);
    case 'text': return text(c, parentLayout, ctx);
    case 'image': return image(c, ctx);
    case 'video': return video(c, ctx);
    case 'icon': return icon(c);
    case 'button': return button(c, ctx);
    case 'separator': return separator(c, parentLayout);
    case 'filler': return el('div', 'flex-filler');
    case 'spacer': {
      const s = el('div', 'flex-spacer');
      const px = length(c.size, KEYWORD_PX) || '8px';
      s.style.flex = '0 0 ' + px;
      return s;
    }
    default: return unknown(c);
  }
}

function box(c, ctx) {
  const layout = ['horizontal', 'vertical', 'baseline'].includes(c.layout) ? c.layout : 'vertical';
  const e = el('div', 'flex-box flex-' + layout);
  e.dataset.layout = layout;
  const s = e.style;
  s.display = 'flex';
  s.flexDirection = layout === 'vertical' ? 'column' : 'row';
  if (layout === 'baseline') s.alignItems = 'baseline';
  if (['flex-start', 'center', 'flex-end', 'space-between', 'space-around', 'space-evenly'].includes(c.justifyContent)) {
    s.justifyContent = c.justifyContent;
  }
  if (layout !== 'baseline' && ['flex-start', 'center', 'flex-end'].includes(c.alignItems)) s.alignItems = c.alignItems;
  if (color(c.backgroundColor)) s.backgroundColor = color(c.backgroundColor);
  if (c.background && c.background.type === 'linearGradient') {
    const angle = /^-?\d+(\.\d+)?deg$/.test(c.background.angle) ? c.background.angle : '0deg';
    const start = color(c.background.startColor) || '#ffffff';
    const end = color(c.background.endColor) || '#ffffff';
    const center = color(c.background.centerColor);
    const pos = /^\d+(\.\d+)?%$/.test(c.background.centerPosition) ? c.background.centerPosition : '50%';
    s.backgroundImage = center ? `linear-gradient(${angle}, ${start} 0%, ${center} ${pos}, ${end} 100%)`
      : `linear-gradient(${angle}, ${start}, ${end})`;
  }
  const bw = length(c.borderWidth, BORDER_PX);
  if (bw) {
    s.borderStyle = 'solid';
    s.borderWidth = bw;
    s.borderColor = color(c.borderColor) || '#000000';
  }
  const radius = length(c.cornerRadius, KEYWORD_PX);
  if (radius) {
    s.borderRadius = radius;
    s.overflow = 'hidden';
  }
  for (const [p, css] of [['width', 'width'], ['maxWidth', 'maxWidth'], ['height', 'height'], ['maxHeight', 'maxHeight']]) {
    const v = length(c[p]);
    if (v) s[css] = v;
  }
  const all = length(c.paddingAll, KEYWORD_PX);
  if (all) s.padding = all;
  for (const [p, css] of [['paddingTop', 'paddingTop'], ['paddingBottom', 'paddingBottom'],
    ['paddingStart', 'paddingInlineStart'], ['paddingEnd', 'paddingInlineEnd']]) {
    const v = length(c[p], KEYWORD_PX);
    if (v) s[css] = v;
  }
  const children = Array.isArray(c.contents) ? c.contents : [];
  const spacing = length(c.spacing, KEYWORD_PX);
  children.forEach((child, i) => {
    const ce = component(child, layout, ctx);
    placeChild(ce, child, layout, i, spacing);
    e.appendChild(ce);
  });
  if (c.action) clickable(e, c.action, ctx);
  return e;
}

/**
 * The flex item's share of the box ("Width and height of components"): in a horizontal or baseline
 * box flex defaults to 1 and N >= 1 divides the width in proportion (basis 0), 0 takes the content's
 * width; in a vertical box flex defaults to 0 (the content's height) and N >= 1 shares the free
 * height. `margin` is the space before the component and overrides the box's `spacing`, which
 * separates siblings only; `position: absolute` takes the component out of the flow at its offsets.
 */
function placeChild(e, c, layout, index, spacing) {
  if (!c || typeof c !== 'object') return;
  const s = e.style;
  const horizontal = layout !== 'vertical';
  const sized = c.type === 'separator' || c.type === 'icon' || c.type === 'spacer';
  if (!sized) {
    const fixedWidth = horizontal && c.type === 'box' && length(c.width);
    let flex = Number.isInteger(c.flex) && c.flex >= 0 ? c.flex : (horizontal && !fixedWidth ? 1 : 0);
    if (c.type === 'filler' && !Number.isInteger(c.flex)) flex = 1;
    if (horizontal) {
      s.flex = flex > 0 ? (fixedWidth ? `${flex} 0 auto` : `${flex} 0 0`) : '0 0 auto';
      s.minWidth = '0';
    } else {
      s.flex = flex > 0 ? `${flex} 0 auto` : '0 0 auto';
    }
  }
  const margin = length(c.margin, KEYWORD_PX);
  const gap = margin || (index > 0 ? spacing : undefined);
  if (gap) {
    if (horizontal) s.marginInlineStart = gap;
    else s.marginTop = gap;
  }
  if (layout === 'horizontal' && ['top', 'bottom', 'center'].includes(c.gravity)) {
    s.alignSelf = { top: 'flex-start', bottom: 'flex-end', center: 'center' }[c.gravity];
  }
  if (c.position === 'absolute') {
    s.position = 'absolute';
    for (const [p, css] of [['offsetTop', 'top'], ['offsetBottom', 'bottom'], ['offsetStart', 'insetInlineStart'],
      ['offsetEnd', 'insetInlineEnd']]) {
      const v = length(c[p], KEYWORD_PX);
      if (v) s[css] = v;
    }
  } else if (c.offsetTop || c.offsetBottom || c.offsetStart || c.offsetEnd) {
    s.position = 'relative';
    const t = length(c.offsetTop, KEYWORD_PX);
    const b = length(c.offsetBottom, KEYWORD_PX);
    const st = length(c.offsetStart, KEYWORD_PX);
    const en = length(c.offsetEnd, KEYWORD_PX);
    if (t) s.top = t;
    if (b && layout !== 'baseline') s.bottom = b;
    if (st) s.insetInlineStart = st;
    if (en) s.insetInlineEnd = en;
  }
}

function textStyle(e, c) {
  const s = e.style;
  if (TEXT_PX[c.size]) s.fontSize = TEXT_PX[c.size] + 'px';
  else if (length(c.size)) s.fontSize = length(c.size);
  if (color(c.color)) s.color = color(c.color);
  if (c.weight === 'bold') s.fontWeight = 'bold';
  if (c.style === 'italic') s.fontStyle = 'italic';
  if (['underline', 'line-through'].includes(c.decoration)) s.textDecoration = c.decoration;
}

function text(c, parentLayout, ctx) {
  const e = el('div', 'flex-text');
  textStyle(e, c);
  const s = e.style;
  if (['start', 'end', 'center'].includes(c.align)) s.textAlign = c.align;
  if (c.wrap) {
    s.whiteSpace = 'pre-wrap';
    s.overflowWrap = 'anywhere';
    if (Number.isInteger(c.maxLines) && c.maxLines > 0) {
      s.display = '-webkit-box';
      s.webkitBoxOrient = 'vertical';
      s.webkitLineClamp = String(c.maxLines);
      s.overflow = 'hidden';
    }
  } else {
    s.whiteSpace = 'nowrap';
    s.overflow = 'hidden';
    s.textOverflow = 'ellipsis';
  }
  const spacing = length(c.lineSpacing);
  if (spacing) s.lineHeight = `calc(1.4em + ${spacing})`;
  if (Array.isArray(c.contents) && c.contents.length) {
    for (const span of c.contents) {
      if (!span || span.type !== 'span') {
        e.appendChild(unknown(span));
        continue;
      }
      const se = el('span', 'flex-span');
      textStyle(se, span);
      se.textContent = typeof span.text === 'string' ? span.text : '';
      e.appendChild(se);
    }
  } else {
    e.textContent = typeof c.text === 'string' ? c.text : '';
  }
  if (c.action) clickable(e, c.action, ctx);
  return e;
}

function aspect(ratio, fallback) {
  const m = /^(\d+(\.\d+)?):(\d+(\.\d+)?)$/.exec(typeof ratio === 'string' ? ratio : '');
  return m ? `${m[1]} / ${m[3]}` : fallback;
}

function image(c, ctx) {
  const wrap = el('div', 'flex-image');
  wrap.style.display = 'flex';
  wrap.style.justifyContent = { start: 'flex-start', end: 'flex-end' }[c.align] || 'center';
  const frame = el('div', 'flex-image-frame');
  const size = c.size === 'full' ? '100%' : (IMAGE_PX[c.size] ? IMAGE_PX[c.size] + 'px' : (length(c.size) || IMAGE_PX.md + 'px'));
  frame.style.width = size;
  frame.style.maxWidth = '100%';
  frame.style.aspectRatio = aspect(c.aspectRatio, '1 / 1');
  if (color(c.backgroundColor)) frame.style.backgroundColor = color(c.backgroundColor);
  const url = httpsUrl(c.url);
  if (url) {
    const img = el('img');
    img.alt = '';
    img.src = url;
    img.style.objectFit = c.aspectMode === 'cover' ? 'cover' : 'contain';
    img.addEventListener('error', () => { img.remove(); frame.classList.add('broken'); frame.title = url; });
    frame.appendChild(img);
  } else {
    frame.classList.add('broken');
  }
  wrap.appendChild(frame);
  if (c.action) clickable(wrap, c.action, ctx);
  return wrap;
}

function video(c, ctx) {
  const wrap = el('div', 'flex-video');
  const url = httpsUrl(c.url);
  if (!url) return c.altContent ? component(c.altContent, 'vertical', ctx) : unknown(c);
  // The preview with a play button; without one that loads, the altContent (as LINE's apps that cannot
  // play it show), else the video's URL.
  wrap.style.width = '100%';
  wrap.style.aspectRatio = aspect(c.aspectRatio, '16 / 9');
  const alt = c.altContent ? () => {
    const a = el('div', 'flex-video-alt');
    a.appendChild(component(c.altContent, 'vertical', ctx));
    return a;
  } : undefined;
  wrap.appendChild(videoPlayer(url, httpsUrl(c.previewUrl), alt));
  return wrap;
}

function icon(c) {
  const i = el('img', 'flex-icon');
  i.alt = '';
  const px = TEXT_PX[c.size] || parseFloat(length(c.size) || '') || TEXT_PX.md;
  const m = /^(\d+(\.\d+)?):(\d+(\.\d+)?)$/.exec(c.aspectRatio || '');
  i.style.height = px + 'px';
  i.style.width = (m ? px * parseFloat(m[1]) / parseFloat(m[3]) : px) + 'px';
  const margin = length(c.margin, KEYWORD_PX);
  if (margin) i.style.marginInlineStart = margin;
  const url = httpsUrl(c.url);
  if (url) i.src = url;
  i.addEventListener('error', () => i.classList.add('broken'));
  return i;
}

function button(c, ctx) {
  const style = ['primary', 'secondary', 'link'].includes(c.style) ? c.style : 'link';
  const b = el('button', 'flex-button flex-button-' + style);
  b.type = 'button';
  b.style.height = (c.height === 'sm' ? 40 : 52) + 'px';
  const col = color(c.color);
  if (col) {
    if (style === 'link') b.style.color = col;
    else b.style.backgroundColor = col;
  }
  b.textContent = c.action && typeof c.action.label === 'string' ? c.action.label : '';
  if (c.action) b.addEventListener('click', ev => { ev.stopPropagation(); ctx.onAction(c.action); });
  return b;
}

function separator(c, parentLayout) {
  const e = el('div', 'flex-separator');
  const col = color(c.color) || '#e5e5e5';
  if (parentLayout === 'vertical') {
    e.style.borderTop = '1px solid ' + col;
    e.style.flex = '0 0 auto';
  } else {
    e.style.borderInlineStart = '1px solid ' + col;
    e.style.flex = '0 0 auto';
    e.style.alignSelf = 'stretch';
  }
  return e;
}

function clickable(e, action, ctx) {
  e.classList.add('flex-action');
  e.addEventListener('click', ev => { ev.stopPropagation(); ctx.onAction(action); });
}

/** What this renderer cannot draw: its JSON, as text. */
export function unknown(value) {
  const pre = el('pre', 'unrendered');
  pre.textContent = JSON.stringify(value, null, 2);
  return pre;
}
