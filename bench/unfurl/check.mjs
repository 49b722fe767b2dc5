// Checks every article's reader page with unfurl.js and metascraper. Usage: node check.mjs BASE SITE_NAME
import { unfurl } from 'unfurl.js';
import metascraperFactory from 'metascraper';
import mTitle from 'metascraper-title'; import mDesc from 'metascraper-description';
import mImage from 'metascraper-image'; import mPub from 'metascraper-publisher';
import mAuthor from 'metascraper-author'; import mDate from 'metascraper-date';
import mLang from 'metascraper-lang'; import mUrl from 'metascraper-url'; import mLogo from 'metascraper-logo';

const base = (process.argv[2] || '').replace(/\/$/, '');
const site = process.argv[3] || 'Example News';
const ms = metascraperFactory([mTitle(), mDesc(), mImage(), mPub(), mAuthor(), mDate(), mLang(), mUrl(), mLogo()]);
const rows = []; let fails = 0;
const row = (slug, client, field, ok, value) => { if (!ok) fails++; rows.push([slug, client, field, ok ? 'ok' : 'FAIL', String(value ?? '').slice(0, 70)]); };
const getJSON = async (u) => (await fetch(u)).json();

function imageSize(buf) {
  if (buf.length > 24 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('ascii', 12, 16) === 'IHDR')
    return { type: 'png', w: buf.readUInt32BE(16), h: buf.readUInt32BE(20) };
  if (buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length) {
      if (buf[i] !== 0xff) { i++; continue; }
      const m = buf[i + 1], len = buf.readUInt16BE(i + 2);
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc)
        return { type: 'jpeg', h: buf.readUInt16BE(i + 5), w: buf.readUInt16BE(i + 7) };
      i += 2 + len;
    }
  }
  return null;
}
async function checkImage(slug, client, url, ogW, ogH) {
  if (!url) return row(slug, client, 'image', false, 'none');
  if (!ogW || !ogH) return row(slug, client, 'image', false, `no size advertised for ${url}`);
  const abs = new URL(url, base).href;
  const r = await fetch(abs); const buf = Buffer.from(await r.arrayBuffer());
  const s = r.ok ? imageSize(buf) : null;
  const ok = !!s && s.w === +ogW && s.h === +ogH;
  row(slug, client, 'image', ok, s ? `${s.type} ${s.w}x${s.h} (og ${ogW}x${ogH}) ${abs}` : `HTTP ${r.status} not png/jpeg ${abs}`);
}
const day = (d) => (d ? new Date(d).toISOString() : '');

const list = (await getJSON(`${base}/api/articles`)).articles;
for (const { slug } of list) {
  const a = await getJSON(`${base}/api/articles/${slug}`);
  const art = a.article || a;
  const page = `${base}/a/${slug}`;
  const html = await (await fetch(page)).text();
  const meta = (p) => (html.match(new RegExp(`<meta[^>]+property="${p}"[^>]+content="([^"]*)"`)) || [])[1];
  const ogW = meta('og:image:width'), ogH = meta('og:image:height');
  // unfurl.js
  try {
    const u = await unfurl(page);
    const og = u.open_graph || {};
    row(slug, 'unfurl.js', 'title', (og.title || u.title) === art.title, og.title || u.title);
    row(slug, 'unfurl.js', 'description', !!(og.description || u.description), og.description || u.description);
    const img = (og.images || [])[0] || {};
    await checkImage(slug, 'unfurl.js', img.url || img.secure_url, img.width || ogW, img.height || ogH);
    // og:site_name is the article's own site when it names one, else the publisher's.
    row(slug, 'unfurl.js', 'site_name', og.site_name === (art.site || site), og.site_name);
    if (art.author) row(slug, 'unfurl.js', 'author', u.author === art.author, u.author);
    const oe = u.oEmbed;
    row(slug, 'unfurl.js', 'oembed.provider', !!oe && oe.provider_name === site, oe && oe.provider_name);
    if (oe) {
      // unfurl.js 6 gives oEmbed thumbnails as a list of {url, width, height}.
      const th = (oe.thumbnails || [])[0] || { url: oe.thumbnail_url, width: oe.thumbnail_width, height: oe.thumbnail_height };
      await checkImage(slug, 'unfurl.js oEmbed', th.url, th.width, th.height);
    }
  } catch (e) { row(slug, 'unfurl.js', 'fetch', false, e.message); }
  // metascraper
  try {
    const m = await ms({ html, url: page });
    row(slug, 'metascraper', 'title', m.title === art.title, m.title);
    row(slug, 'metascraper', 'description', !!m.description, m.description);
    await checkImage(slug, 'metascraper', m.image, ogW, ogH);
    row(slug, 'metascraper', 'publisher', m.publisher === site, m.publisher);
    if (art.author) row(slug, 'metascraper', 'author', m.author === art.author, m.author);
    if (art.published) row(slug, 'metascraper', 'date', day(m.date) === day(art.published), m.date);
    else row(slug, 'metascraper', 'date', !m.date, m.date || '(none claimed)');
  } catch (e) { row(slug, 'metascraper', 'scrape', false, e.message); }
}
console.log('| article | client | field | result | value |\n| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.join(' | ').replace(/\n/g, ' ')} |`);
console.log(`\n${list.length} articles, ${rows.length} checks, ${fails} failed`);
process.exit(fails ? 1 : 0);
