// Media a chat shows: what cannot be loaded here (no internet, a dead link) is shown as what it is with
// its URL, never as an empty frame. A video is shown as LINE shows it, by its preview image with a play
// button; without a preview that loads, by its URL (a player with nothing to show is only a black box).

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A box standing for media that cannot be shown here, with its URL. */
export function missingMedia(label, url) {
  const b = el('div', 'missing-media');
  b.appendChild(el('div', 'missing-label', label));
  if (url) b.appendChild(el('div', 'missing-url', url));
  return b;
}

/** The player itself, started at once: it stands in for the preview that was tapped. */
function player(url, preview, onFail) {
  const v = el('video', 'video-player');
  v.controls = true;
  v.autoplay = true;
  v.preload = 'auto';
  if (preview) v.poster = preview;
  v.addEventListener('error', () => onFail(v));
  v.src = url;
  return v;
}

/**
 * A video at `url` (https, checked by the caller) with its `preview` image (https or undefined).
 * `fallback()` makes what stands for it when there is nothing to show (default: its URL); a tap on the
 * preview, or on "Play" beside the URL, starts the player, and a video that cannot play goes back to
 * its URL with a note.
 */
export function videoPlayer(url, preview, fallback) {
  const stand = () => {
    const box = fallback ? fallback() : missingMedia('video', url);
    box.classList.add('video-missing');
    box.dataset.videoUrl = url;
    const play = el('button', 'video-play-text', 'Play');
    play.type = 'button';
    play.addEventListener('click', ev => {
      ev.stopPropagation();
      box.replaceWith(player(url, undefined, v => v.replaceWith(unplayable())));
    });
    box.appendChild(play);
    return box;
  };
  const unplayable = () => {
    const box = missingMedia('video (cannot be played here)', url);
    box.classList.add('video-missing');
    box.dataset.videoUrl = url;
    return box;
  };
  if (!preview) return stand();
  const frame = el('div', 'video-preview');
  frame.dataset.videoUrl = url;
  const img = el('img');
  img.alt = '';
  img.addEventListener('error', () => frame.replaceWith(stand()));
  img.src = preview;
  frame.appendChild(img);
  const play = el('button', 'video-play', '\u25b6');
  play.type = 'button';
  play.title = 'Play ' + url;
  frame.appendChild(play);
  frame.addEventListener('click', ev => {
    ev.stopPropagation();
    frame.replaceWith(player(url, preview, v => v.replaceWith(unplayable())));
  });
  return frame;
}
