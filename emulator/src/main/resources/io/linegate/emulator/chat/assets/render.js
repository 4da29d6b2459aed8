// Message objects (what a bot sends) and webhook events (what users do) drawn as a LINE chat shows
// them. Bot messages are untrusted input: text goes through textContent, URLs are checked, and
// anything that cannot be drawn is shown as its JSON.
import { renderFlex, unknown, color } from './flex.js';
import { missingMedia, videoPlayer } from './media.js';

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function httpsUrl(v) {
  return typeof v === 'string' && /^https:\/\//i.test(v) ? v : undefined;
}

/** A LINE emoji (productId/emojiId): LINE's images are not fetched (the page works offline), so a badge. */
function emojiBadge(productId, emojiId) {
  const b = el('span', 'line-emoji', '\u263a');
  b.title = `LINE emoji ${productId}/${emojiId}`;
  b.dataset.emoji = `${productId}/${emojiId}`;
  return b;
}

/**
 * Text with LINE emoji: each emoji stands at `index` of `text` for `length` UTF-16 units (a bot's "$",
 * length 1; a user's "(name)" text) and mentions (users' group messages): highlighted spans.
 */
/**
 * Plain text with its web links tappable, as LINE shows them: a tap is the URI action of that link
 * (`ctx.onAction`), so that the page opens it and counts the click. Only http(s) links are made links.
 */
function linked(text, ctx) {
  const f = document.createDocumentFragment();
  const re = /https?:\/\/[^\s<>"']+/g;
  let at = 0;
  let match;
  while ((match = re.exec(text)) !== null) {
    f.appendChild(document.createTextNode(text.slice(at, match.index)));
    const url = match[0];
    const a = el('a', 'link', url);
    a.href = url;
    a.rel = 'noopener noreferrer';
    a.addEventListener('click', ev => { ev.preventDefault(); ev.stopPropagation(); ctx.onAction({ type: 'uri', uri: url }); });
    f.appendChild(a);
    at = match.index + url.length;
  }
  f.appendChild(document.createTextNode(text.slice(at)));
  return f;
}

function richText(text, emojis, mentionees, ctx) {
  const e = el('div', 'text');
  const marks = [];
  for (const m of Array.isArray(emojis) ? emojis : []) {
    if (Number.isInteger(m.index)) marks.push({ index: m.index, length: Number.isInteger(m.length) ? m.length : 1, emoji: m });
  }
  for (const m of Array.isArray(mentionees) ? mentionees : []) {
    if (Number.isInteger(m.index) && Number.isInteger(m.length)) marks.push({ index: m.index, length: m.length, mention: m });
  }
  marks.sort((a, b) => a.index - b.index);
  let at = 0;
  for (const m of marks) {
    if (m.index < at || m.index > text.length) continue;
    e.appendChild(linked(text.slice(at, m.index), ctx));
    if (m.emoji) {
      e.appendChild(emojiBadge(m.emoji.productId, m.emoji.emojiId));
    } else {
      const s = el('span', 'mention', text.slice(m.index, m.index + m.length));
      s.title = m.mention.type === 'all' ? 'everyone' : (m.mention.userId || '');
      e.appendChild(s);
    }
    at = m.index + m.length;
  }
  e.appendChild(linked(text.slice(at), ctx));
  return e;
}

/** textV2: {name} placeholders replaced by mentions and emoji of `substitution`; {{ and }} are braces. */
function textV2(m, ctx) {
  const e = el('div', 'text');
  const text = typeof m.text === 'string' ? m.text : '';
  const subs = m.substitution && typeof m.substitution === 'object' ? m.substitution : {};
  const re = /\{\{|\}\}|\{([a-zA-Z0-9_]{1,20})\}/g;
  let at = 0;
  let match;
  while ((match = re.exec(text)) !== null) {
    e.appendChild(document.createTextNode(text.slice(at, match.index)));
    if (match[0] === '{{' || match[0] === '}}') {
      e.appendChild(document.createTextNode(match[0][0]));
    } else {
      const s = subs[match[1]];
      if (s && s.type === 'emoji') {
        e.appendChild(emojiBadge(s.productId, s.emojiId));
      } else if (s && s.type === 'mention' && s.mentionee) {
        const who = s.mentionee.type === 'all' ? 'All' : ctx.userName(s.mentionee.userId);
        const span = el('span', 'mention', '@' + who);
        span.title = s.mentionee.userId || 'everyone';
        e.appendChild(span);
      } else {
        e.appendChild(document.createTextNode(match[0]));
      }
    }
    at = re.lastIndex;
  }
  e.appendChild(document.createTextNode(text.slice(at)));
  return e;
}

/** The documented stickers the page offers (Messaging API docs, "List of available stickers"). */
export const STICKERS = [
  ['446', '1988'], ['446', '1989'], ['446', '1990'], ['446', '1991'], ['446', '1992'], ['446', '1993'],
  ['789', '10855'], ['789', '10856'], ['789', '10857'], ['789', '10858'],
  ['11537', '52002734'], ['11537', '52002735'], ['11537', '52002736'], ['11537', '52002738'],
  ['11538', '51626494'], ['11538', '51626495'], ['11539', '52114110'], ['11539', '52114111'],
];
// Glyphs every system font has (no emoji font needed): LINE's sticker images are not fetched.
const STICKER_FACES = ['\u263a', '\u2665', '\u2605', '\u266a', '\u2600', '\u263b', '\u270c', '\u2602'];

export function stickerTile(packageId, stickerId) {
  const t = el('div', 'sticker');
  const n = (parseInt(stickerId, 10) || 0) % STICKER_FACES.length;
  t.appendChild(el('div', 'sticker-face', STICKER_FACES[n]));
  t.appendChild(el('div', 'sticker-id', `${packageId}/${stickerId}`));
  t.title = `sticker ${packageId}/${stickerId}`;
  return t;
}

function media(kind, src, preview, onError) {
  const m = el(kind);
  if (kind === 'img') {
    m.alt = '';
  } else {
    m.controls = true;
    m.preload = 'none';
    if (preview) m.poster = preview;
  }
  m.addEventListener('error', onError);
  m.src = src;
  return m;
}

function mediaBox(kind, url, preview, label) {
  const wrap = el('div', 'media');
  if (!url) {
    wrap.appendChild(missingMedia(label + ' (not https)', ''));
    return wrap;
  }
  const m = media(kind, url, preview, () => m.replaceWith(missingMedia(label, url)));
  wrap.appendChild(m);
  return wrap;
}

/** A bot's video: its preview with a play button, else its URL (see media.js). */
function botVideo(url, preview) {
  const wrap = el('div', 'media');
  wrap.appendChild(url ? videoPlayer(url, preview) : missingMedia('video (not https)', ''));
  return wrap;
}

/** A video a user sent, from the emulator: its first frame (LINE makes a preview of it), else its URL. */
function userVideo(url) {
  const wrap = el('div', 'media');
  const v = el('video');
  v.controls = true;
  v.preload = 'metadata';
  v.addEventListener('error', () => v.replaceWith(missingMedia('video', url)));
  v.src = url;
  wrap.appendChild(v);
  return wrap;
}

function location(m) {
  const card = el('div', 'location');
  card.appendChild(el('div', 'location-pin'));
  const body = el('div', 'location-body');
  body.appendChild(el('div', 'location-title', typeof m.title === 'string' ? m.title : 'Location'));
  if (typeof m.address === 'string') body.appendChild(el('div', 'location-address', m.address));
  body.appendChild(el('div', 'location-coords', `${Number(m.latitude)}, ${Number(m.longitude)}`));
  card.appendChild(body);
  return card;
}

/** An action as a button: its label, or what it does. */
function actionButton(action, ctx, cls) {
  const b = el('button', cls || 'action');
  b.type = 'button';
  b.textContent = action && typeof action.label === 'string' ? action.label : (action && action.type) || '?';
  b.dataset.actionType = action && action.type;
  b.addEventListener('click', ev => { ev.stopPropagation(); ctx.onAction(action); });
  return b;
}

function templateColumn(col, ctx, ratio, size) {
  const card = el('div', 'template-card');
  const thumb = httpsUrl(col.thumbnailImageUrl);
  if (col.thumbnailImageUrl !== undefined) {
    const frame = el('div', 'template-thumb');
    frame.style.aspectRatio = ratio === 'square' ? '1 / 1' : '1.51 / 1';
    if (color(col.imageBackgroundColor)) frame.style.backgroundColor = color(col.imageBackgroundColor);
    if (thumb) {
      const img = media('img', thumb, null, () => { img.remove(); frame.classList.add('broken'); frame.title = thumb; });
      img.style.objectFit = size === 'contain' ? 'contain' : 'cover';
      frame.appendChild(img);
    } else {
      frame.classList.add('broken');
    }
    card.appendChild(frame);
  }
  const body = el('div', 'template-body');
  if (typeof col.title === 'string') body.appendChild(el('div', 'template-title', col.title));
  if (typeof col.text === 'string') body.appendChild(el('div', 'template-text', col.text));
  card.appendChild(body);
  const actions = el('div', 'template-actions');
  for (const a of Array.isArray(col.actions) ? col.actions : []) actions.appendChild(actionButton(a, ctx));
  card.appendChild(actions);
  if (col.defaultAction) {
    card.classList.add('flex-action');
    card.addEventListener('click', () => ctx.onAction(col.defaultAction));
  }
  return card;
}

function template(t, ctx) {
  switch (t && t.type) {
    case 'buttons':
      return templateColumn(t, ctx, t.imageAspectRatio, t.imageSize);
    case 'confirm': {
      const card = el('div', 'template-card template-confirm');
      card.appendChild(el('div', 'template-text', typeof t.text === 'string' ? t.text : ''));
      const actions = el('div', 'template-actions template-actions-row');
      for (const a of Array.isArray(t.actions) ? t.actions : []) actions.appendChild(actionButton(a, ctx));
      card.appendChild(actions);
      return card;
    }
    case 'carousel': {
      const row = el('div', 'template-carousel');
      for (const col of Array.isArray(t.columns) ? t.columns : []) {
        row.appendChild(templateColumn(col, ctx, t.imageAspectRatio, t.imageSize));
      }
      return row;
    }
    case 'image_carousel': {
      const row = el('div', 'template-carousel');
      for (const col of Array.isArray(t.columns) ? t.columns : []) {
        const card = el('div', 'image-carousel-card');
        const url = httpsUrl(col.imageUrl);
        if (url) {
          const img = media('img', url, null, () => { img.remove(); card.classList.add('broken'); card.title = url; });
          card.appendChild(img);
        } else {
          card.classList.add('broken');
        }
        if (col.action) card.appendChild(actionButton(col.action, ctx, 'image-carousel-label'));
        row.appendChild(card);
      }
      return row;
    }
    default:
      return unknown(t);
  }
}

/** An imagemap: its image at 1040 px wide, scaled to the bubble, with its tappable areas on top. */
function imagemap(m, ctx) {
  const base = m.baseSize || {};
  const w = Number(base.width) || 1040;
  const h = Number(base.height) || 1040;
  const map = el('div', 'imagemap');
  map.style.aspectRatio = `${w} / ${h}`;
  const url = httpsUrl(m.baseUrl);
  if (url) {
    const img = media('img', url + '/1040', null, () => { img.remove(); map.classList.add('broken'); map.title = url; });
    map.appendChild(img);
  } else {
    map.classList.add('broken');
  }
  for (const a of Array.isArray(m.actions) ? m.actions : []) {
    const area = a && a.area ? a.area : {};
    const b = el('button', 'imagemap-area');
    b.type = 'button';
    b.style.left = (100 * area.x / w) + '%';
    b.style.top = (100 * area.y / h) + '%';
    b.style.width = (100 * area.width / w) + '%';
    b.style.height = (100 * area.height / h) + '%';
    b.textContent = typeof a.label === 'string' ? a.label : (a.type === 'message' ? a.text : a.linkUri) || '';
    b.title = a.type;
    b.addEventListener('click', ev => {
      ev.stopPropagation();
      // Imagemap actions name their payload differently from ordinary actions.
      ctx.onAction(a.type === 'uri' ? { type: 'uri', uri: a.linkUri } : a.type === 'message'
        ? { type: 'message', text: a.text } : a);
    });
    map.appendChild(b);
  }
  if (m.video && httpsUrl(m.video.originalContentUrl)) {
    const v = m.video;
    const area = v.area || {};
    const vid = el('div', 'imagemap-video');
    vid.appendChild(videoPlayer(v.originalContentUrl, httpsUrl(v.previewImageUrl)));
    vid.style.left = (100 * area.x / w) + '%';
    vid.style.top = (100 * area.y / h) + '%';
    vid.style.width = (100 * area.width / w) + '%';
    vid.style.height = (100 * area.height / h) + '%';
    map.appendChild(vid);
  }
  return map;
}

/** The body of a bot's message object (text, sticker, media, location, imagemap, template, Flex). */
export function renderBotMessage(m, ctx) {
  try {
    return botMessage(m, ctx);
  } catch (e) {
    return unknown(m);
  }
}

function botMessage(m, ctx) {
  switch (m && m.type) {
    case 'text':
      return richText(typeof m.text === 'string' ? m.text : '', m.emojis, null, ctx);
    case 'textV2':
      return textV2(m, ctx);
    case 'sticker':
      return stickerTile(m.packageId, m.stickerId);
    case 'image':
      return mediaBox('img', httpsUrl(m.previewImageUrl) || httpsUrl(m.originalContentUrl), null, 'image');
    case 'video':
      return botVideo(httpsUrl(m.originalContentUrl), httpsUrl(m.previewImageUrl));
    case 'audio': {
      const box = mediaBox('audio', httpsUrl(m.originalContentUrl), null, 'audio');
      if (Number.isFinite(m.duration)) box.appendChild(el('div', 'media-note', `${Math.round(m.duration / 1000)} s`));
      return box;
    }
    case 'location':
      return location(m);
    case 'imagemap':
      return imagemap(m, ctx);
    case 'template':
      return template(m.template, ctx);
    case 'flex':
      return renderFlex(m.contents, ctx);
    default:
      return unknown(m);
  }
}

/**
 * A user's webhook event: `{kind: "bubble", el}` for what the chat shows as their message, or
 * `{kind: "system", text}` for what it shows as a line in the middle (follow, join, member left...).
 */
export function renderUserEvent(event, displayText, ctx) {
  try {
    return userEvent(event, displayText, ctx);
  } catch (e) {
    return { kind: 'system', text: event && event.type ? event.type : 'event', json: true };
  }
}

function userEvent(e, displayText, ctx) {
  const who = e.source && e.source.userId ? ctx.userName(e.source.userId) : '';
  switch (e.type) {
    case 'message': {
      const m = e.message || {};
      switch (m.type) {
        case 'text': return { kind: 'bubble', el: richText(m.text || '', m.emojis, m.mention && m.mention.mentionees, ctx) };
        case 'sticker': return { kind: 'bubble', el: stickerTile(m.packageId, m.stickerId), bare: true };
        case 'image': return { kind: 'bubble', el: mediaBox('img', ctx.contentUrl(m.id), null, 'image') };
        case 'video': return { kind: 'bubble', el: userVideo(ctx.contentUrl(m.id)) };
        case 'audio': return { kind: 'bubble', el: mediaBox('audio', ctx.contentUrl(m.id), null, 'audio') };
        case 'file': {
          const a = el('a', 'file', `${m.fileName || 'file'} (${m.fileSize || 0} bytes)`);
          a.href = ctx.contentUrl(m.id);
          a.download = m.fileName || 'file';
          return { kind: 'bubble', el: a };
        }
        case 'location': return { kind: 'bubble', el: location(m) };
        default: return { kind: 'bubble', el: unknown(m) };
      }
    }
    case 'postback': {
      if (typeof displayText === 'string' && displayText) return { kind: 'bubble', el: el('div', 'text', displayText) };
      const p = e.postback || {};
      const params = p.params ? ' ' + JSON.stringify(p.params) : '';
      return { kind: 'system', text: `${who} tapped: postback "${p.data}"${params}` };
    }
    case 'follow': return { kind: 'system', text: e.follow && e.follow.isUnblocked ? `${who} unblocked the bot` : `${who} added the bot as a friend` };
    case 'unfollow': return { kind: 'system', text: `${who} blocked the bot` };
    case 'join': return { kind: 'system', text: 'The bot joined' };
    case 'leave': return { kind: 'system', text: 'The bot left' };
    case 'memberJoined': return { kind: 'system', text: names(e.joined, ctx) + ' joined' };
    case 'memberLeft': return { kind: 'system', text: names(e.left, ctx) + ' left' };
    case 'unsend': return { kind: 'system', text: `${who} unsent a message` };
    case 'accountLink': return { kind: 'system', text: `account link: ${e.link ? e.link.result : '?'}` };
    default: return { kind: 'system', text: `${e.type} event`, json: true };
  }
}

function names(part, ctx) {
  const members = part && Array.isArray(part.members) ? part.members : [];
  return members.map(m => ctx.userName(m.userId)).join(', ') || 'Someone';
}
