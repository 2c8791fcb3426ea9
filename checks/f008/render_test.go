package f008

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"
)

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "F008") }
