-- 001: articles, the full-text vector and the store version.

-- articles holds one row per article. Times are timestamptz, which keeps
-- microseconds; published_ns and updated_ns keep the nanoseconds below them
-- (0–999), so a time round-trips exactly. tags is the list as given (case
-- and order kept); tag_keys holds each tag lower-cased with its spaces
-- collapsed, for the exact, case-insensitive tag filter. image_src is NULL
-- when the article has no image. rev is the store version of the last write
-- to the row. search is the full-text vector: the text in the article's
-- language configuration cfg (stemmed), if it has one, and again in
-- 'simple' (every word as written, for prefixes and for words a stemmer
-- would change), both computed by the store from searchtext.Text. html
-- comes last: it is the only column a listing never reads.
CREATE TABLE articles (
	id              bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	slug            text     NOT NULL UNIQUE,
	source          text     UNIQUE,
	title           text     NOT NULL,
	subtitle        text     NOT NULL DEFAULT '',
	author          text     NOT NULL DEFAULT '',
	site            text     NOT NULL DEFAULT '',
	url             text     NOT NULL DEFAULT '',
	published       timestamptz NOT NULL,
	published_ns    smallint NOT NULL DEFAULT 0 CHECK (published_ns BETWEEN 0 AND 999),
	updated         timestamptz NOT NULL,
	updated_ns      smallint NOT NULL DEFAULT 0 CHECK (updated_ns BETWEEN 0 AND 999),
	tags            text[]   NOT NULL DEFAULT '{}',
	tag_keys        text[]   NOT NULL DEFAULT '{}',
	image_src       text,
	image_alt       text     NOT NULL DEFAULT '',
	image_caption   text     NOT NULL DEFAULT '',
	image_credit    text     NOT NULL DEFAULT '',
	excerpt         text     NOT NULL DEFAULT '',
	lang            text     NOT NULL DEFAULT '',
	dir             text     NOT NULL DEFAULT '',
	word_count      integer  NOT NULL DEFAULT 0,
	reading_minutes integer  NOT NULL DEFAULT 0,
	rev             bigint   NOT NULL,
	cfg             text     NOT NULL DEFAULT 'simple',
	search          tsvector NOT NULL,
	html            text     NOT NULL DEFAULT ''
);

-- Listings walk this index backwards: newest published first, then the
-- highest id. The cursor is a row comparison on the same columns.
CREATE INDEX articles_published ON articles (published, published_ns, id);

CREATE INDEX articles_tag_keys ON articles USING gin (tag_keys);

CREATE INDEX articles_search ON articles USING gin (search);

-- meta holds the store version, which every write increments. Every write
-- transaction updates this one row first, so writes are serialised (as on
-- SQLite) and the version orders them.
CREATE TABLE meta (
	id      integer PRIMARY KEY CHECK (id = 1),
	version bigint  NOT NULL
);

INSERT INTO meta (id, version) VALUES (1, 0);
