package pgtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// RequirePassword makes every role but the bootstrap superuser log in over TCP with a
// password, so that tests can exercise how pgcheckup finds and guards passwords. md5
// accepts SCRAM verifiers too, so it works with either password_encryption on every
// major. The superuser and replication keep trust, so the harness still connects.
// The server restarts to read the new pg_hba.conf before this returns.
func (c *Cluster) RequirePassword(ctx context.Context) error {
	hba := fmt.Sprintf(`# pgcheckup test harness: passwords for everyone but %[1]s
local all all trust
host all %[1]s 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
host all all 127.0.0.1/32 md5
`, Superuser)
	if err := os.WriteFile(filepath.Join(c.DataDir(), "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return fmt.Errorf("write pg_hba.conf: %w", err)
	}
	return c.Restart(ctx)
}
