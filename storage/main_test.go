package storage_test

import (
	"os"
	"testing"

	"github.com/forankra/forankra/storage/dbtest"
)

func TestMain(m *testing.M) { os.Exit(dbtest.Main(m)) }
