-- 001: articles, their tags, the full-text index and the store version.

-- articles holds one row per article. Times are UTC in a fixed-width
-- RFC 3339 form with nine fractional digits, so they sort as text and
-- round-trip to the nanosecond. tags is the JSON array as given (case and
-- order kept); article_tags serves the tag filter. image_src is NULL when
-- the article has no image. rev is the store version of the last write to
-- the row. html comes last: a listing reads every column before it, and a
-- long body spills into overflow pages that only Get needs to follow.
CREATE TABLE articles (
	id              INTEGER PRIMARY KEY,
	slug            TEXT    NOT NULL UNIQUE,
	source          TEXT    UNIQUE,
	title           TEXT    NOT NULL,
	subtitle        TEXT    NOT NULL DEFAULT '',
	author          TEXT    NOT NULL DEFAULT '',
	site            TEXT    NOT NULL DEFAULT '',
	url             TEXT    NOT NULL DEFAULT '',
	published       TEXT    NOT NULL,
	updated         TEXT    NOT NULL,
	tags            TEXT    NOT NULL DEFAULT '[]',
	image_src       TEXT,
	image_alt       TEXT    NOT NULL DEFAULT '',
	image_caption   TEXT    NOT NULL DEFAULT '',
	image_credit    TEXT    NOT NULL DEFAULT '',
	excerpt         TEXT    NOT NULL DEFAULT '',
	lang            TEXT    NOT NULL DEFAULT '',
	dir             TEXT    NOT NULL DEFAULT '',
	word_count      INTEGER NOT NULL DEFAULT 0,
	reading_minutes INTEGER NOT NULL DEFAULT 0,
	rev             INTEGER NOT NULL,
	html            TEXT    NOT NULL DEFAULT ''
) STRICT;

-- Listings walk this index backwards: newest published first, then the
-- highest id.
CREATE INDEX articles_published ON articles (published, id);

-- article_tags holds each tag lower-cased with its spaces collapsed, for the
-- exact, case-insensitive tag filter.
CREATE TABLE article_tags (
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	tag        TEXT    NOT NULL,
	PRIMARY KEY (tag, article_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX article_tags_article ON article_tags (article_id);

-- articles_fts indexes the searchable text; its rowid is articles.id. body
-- is the plain text of the sanitised HTML.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
	title, subtitle, author, excerpt, tags, body,
	tokenize = 'unicode61 remove_diacritics 2'
);

-- meta holds the store version, which every write increments.
CREATE TABLE meta (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
) STRICT;

INSERT INTO meta (id, version) VALUES (1, 0);
