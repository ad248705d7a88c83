package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
)

// FerretDB v1.24 pushes down to SQLite only a filter that is exactly one
// _id (a string or an ObjectID): {_id: {$in: [...]}} and _id ranges read the
// whole collection. A recovery that reads a crashed batch's 256 ids by _id,
// one FindOne each, pays a command each (0.5–2 ms). On the embedded server
// the same ids are one SQL query on the index idIndexer adds, in the
// server's own database file (WAL: a reader does not stop FerretDB's
// writer). Only reads are made this way, and only of fields that are plain
// strings in FerretDB's storage (their JSON is the string itself).

// embeddedDirs maps the URI of each embedded server of this process to its
// data directory, so that Connect knows when it can read SQLite directly.
var embeddedDirs sync.Map // string → string

// sqliteFile returns the SQLite file of the database, on the embedded
// server of this process; "" otherwise.
func (d *DB) sqliteFile() string {
	if d.sqliteDir == "" {
		return ""
	}
	return filepath.Join(d.sqliteDir, d.db.Name()+".sqlite")
}

// sqlSafeID reports whether an _id's JSON is "id" in every encoder (no
// escapes), so that it can be compared with FerretDB's stored JSON.
func sqlSafeID(id string) bool {
	if id == "" {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("-_.:/", r):
		default:
			return false
		}
	}
	return true
}

// errNoSQL says that a read cannot be made in SQL: make it through FerretDB.
var errNoSQL = errors.New("no direct read")

// batchResponsesSQL is batchResponses in one SQL query on the embedded
// server's file: the responses among ids in the survey's collection whose
// batch field names batch. Responses stored before the answers were packed
// (no "a") are read by _id through FerretDB.
func (s *Responses) batchResponsesSQL(ctx context.Context, surveyID, batch string, ids []string) ([]responseDoc, error) {
	file := s.db.sqliteFile()
	if file == "" || len(ids) == 0 || !allSQLSafe(ids) {
		return nil, errNoSQL
	}
	db, table, err := openCollectionSQL(ctx, file, colResponses+"_"+surveyID)
	if err != nil {
		return nil, err
	}
	if db == nil {
		return []responseDoc{}, nil // no collection: nothing stored
	}
	defer db.Close()
	var out []responseDoc
	var nested []string
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		q := fmt.Sprintf(`SELECT _ferretdb_sjson->>'$._id', _ferretdb_sjson->>'$.batch', _ferretdb_sjson->>'$.village', _ferretdb_sjson->>'$.a'
			FROM %s WHERE _ferretdb_sjson->'$._id' IN (?%s)`, quoteIdent(table), strings.Repeat(", ?", len(part)-1))
		rows, err := db.QueryContext(ctx, q, idArgs(part)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			var b, village, packed sql.NullString
			if err := rows.Scan(&id, &b, &village, &packed); err != nil {
				rows.Close()
				return nil, err
			}
			switch {
			case b.String != batch:
			case !packed.Valid:
				nested = append(nested, id)
			default:
				out = append(out, responseDoc{ID: id, Survey: surveyID, Village: village.String, Packed: packed.String, Batch: batch})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if len(nested) > 0 {
		more, err := s.batchResponsesByID(ctx, surveyResponses(s.db, surveyID), batch, nested)
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}

// allSQLSafe reports whether every id may be compared in SQL (sqlSafeID).
func allSQLSafe(ids []string) bool {
	for _, id := range ids {
		if !sqlSafeID(id) {
			return false
		}
	}
	return true
}

// idArgs are safe ids as FerretDB stores them in JSON ("id").
func idArgs(ids []string) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		b, _ := json.Marshal(id) // a safe id: "id"
		args[i] = string(b)
	}
	return args
}

// openCollectionSQL opens the embedded server's file for reading and finds
// the table of a collection; a nil db (and no error) when the collection does
// not exist. The caller closes db.
func openCollectionSQL(ctx context.Context, file, collection string) (*sql.DB, string, error) {
	db, err := sql.Open("sqlite", "file:"+file+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, "", err
	}
	db.SetMaxOpenConns(1)
	var table string
	err = db.QueryRowContext(ctx, `SELECT table_name FROM _ferretdb_collections WHERE name = ?`, collection).Scan(&table)
	if err != nil {
		db.Close()
		if errors.Is(err, sql.ErrNoRows) {
			return nil, "", nil
		}
		return nil, "", err
	}
	return db, table, nil
}

// presentIDsSQL returns which of ids a collection holds, in one SQL query on
// the embedded server's file (errNoSQL elsewhere, or for an id that is not
// safe): the {_id: {$in: ...}} FerretDB would answer by reading the whole
// collection.
func (d *DB) presentIDsSQL(ctx context.Context, collection string, ids []string) (map[string]bool, error) {
	file := d.sqliteFile()
	if file == "" || len(ids) == 0 || len(ids) > 500 || !allSQLSafe(ids) {
		return nil, errNoSQL
	}
	db, table, err := openCollectionSQL(ctx, file, collection)
	if err != nil || db == nil {
		return map[string]bool{}, err
	}
	defer db.Close()
	q := fmt.Sprintf(`SELECT _ferretdb_sjson->>'$._id' FROM %s WHERE _ferretdb_sjson->'$._id' IN (?%s)`, quoteIdent(table), strings.Repeat(", ?", len(ids)-1))
	rows, err := db.QueryContext(ctx, q, idArgs(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
