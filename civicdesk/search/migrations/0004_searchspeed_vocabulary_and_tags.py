"""Bounded searches (docs/search.md "Speed"): the stored vocabulary, and each entry's filters inside the
full-text index so that counting and ranking never leave it.

- SQLite: `search_fts` gets a third column `tags` ("langen kindnews srcnotices.servicenotice jur3", or
  "jurnone"), written by the triggers from the entry's columns; a search asks FTS5 for `tags : (...)` with its
  words, so the language, kind, jurisdiction and answer-source filters cost no look-up in the entries.
- PostgreSQL: the same tags as lexemes ("@lang=en", "@kind=news", "@src=...", "@jur=3", "@jur=") in
  `vector`, and a small `title_vector` (title terms and tags, GIN-indexed) for the title pass, which never
  reads the long, TOASTed text vectors; and `toast_tuple_target = 256` so that the rows stay narrow.
- SearchWord, filled from the entries already indexed.
"""

from django.db import migrations, models

from civicdesk.search.vocabulary import FIELDS, fill

SQLITE_TAGS = ("'lang' || {row}.language || ' kind' || {row}.kind || ' src' || {row}.source || ' jur' || "
               "coalesce({row}.jurisdiction_id, 'none')")
SQLITE_FORWARD = [
    "DROP TRIGGER search_entry_au", "DROP TRIGGER search_entry_ad", "DROP TRIGGER search_entry_ai",
    "DROP TABLE search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tags, tokenize = 'unicode61 remove_diacritics 2', "
    "prefix = '2 3')",
    "INSERT INTO search_fts(rowid, title, body, tags) SELECT e.id, e.title_terms, e.body_terms, "
    + SQLITE_TAGS.format(row="e") + " FROM search_searchentry e",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, title, body, tags) VALUES (new.id, new.title_terms, new.body_terms, "
    + SQLITE_TAGS.format(row="new") + "); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; "
    "INSERT INTO search_fts(rowid, title, body, tags) VALUES (new.id, new.title_terms, new.body_terms, "
    + SQLITE_TAGS.format(row="new") + "); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER search_entry_au", "DROP TRIGGER search_entry_ad", "DROP TRIGGER search_entry_ai",
    "DROP TABLE search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2', "
    "prefix = '2 3')",
    "INSERT INTO search_fts(rowid, title, body) SELECT id, title_terms, body_terms FROM search_searchentry",
    "CREATE TRIGGER search_entry_ai AFTER INSERT ON search_searchentry BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER search_entry_ad AFTER DELETE ON search_searchentry BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER search_entry_au AFTER UPDATE ON search_searchentry BEGIN "
    "DELETE FROM search_fts WHERE rowid = old.id; "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title_terms, new.body_terms); END",
]
POSTGRES_TAGS = ("array_to_tsvector(ARRAY['@lang=' || language, '@kind=' || kind, '@src=' || source, "
                 "'@jur=' || coalesce(jurisdiction_id::text, '')])")
POSTGRES_FORWARD = [
    "DROP INDEX search_vector_gin",
    "ALTER TABLE search_searchentry DROP COLUMN vector",
    "ALTER TABLE search_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B') || " + POSTGRES_TAGS + ") STORED",
    "CREATE INDEX search_vector_gin ON search_searchentry USING gin (vector)",
    "ALTER TABLE search_searchentry ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || " + POSTGRES_TAGS + ") STORED",
    "CREATE INDEX search_title_vector_gin ON search_searchentry USING gin (title_vector)",
    # Rows over 256 bytes move their long values (text, terms, vectors) out of line: the rows a search visits
    # (a bitmap scan's heap pages) are then a few per page instead of one, so 1,000 matches cost 30 pages.
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 256)",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
    "DROP INDEX search_title_vector_gin", "ALTER TABLE search_searchentry DROP COLUMN title_vector",
    "DROP INDEX search_vector_gin", "ALTER TABLE search_searchentry DROP COLUMN vector",
    "ALTER TABLE search_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B')) STORED",
    "CREATE INDEX search_vector_gin ON search_searchentry USING gin (vector)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)
    return run


def fill_vocabulary(apps, schema_editor):
    from civicdesk.search import registry

    entries = apps.get_model("search", "SearchEntry").objects.values(*FIELDS).iterator(chunk_size=1000)
    fill(entries, set(registry.answer_sources()))


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0003_sqlite_entry_cover'),
    ]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
                             _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD})),
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(max_length=8)),
                ('kind', models.CharField(max_length=1)),
                ('word', models.CharField(max_length=40)),
                ('entries', models.IntegerField(default=0)),
                ('length', models.PositiveSmallIntegerField(default=0)),
                ('first', models.CharField(blank=True, max_length=1)),
                ('second', models.CharField(blank=True, max_length=1)),
            ],
            options={
                'verbose_name': 'search word',
                'verbose_name_plural': 'search words',
                'indexes': [models.Index(fields=['language', 'kind', 'length'], name='search_word_length')],
                'constraints': [models.UniqueConstraint(fields=('language', 'kind', 'word'), name='search_word_unique')],
            },
        ),
        migrations.RunPython(fill_vocabulary, migrations.RunPython.noop),
    ]
