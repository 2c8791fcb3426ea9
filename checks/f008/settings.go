package f008

import "github.com/pgcheckup/pgcheckup/checks/pgsettings"

// The settings helpers shared by the configuration checks.
type Setting = pgsettings.Converted

var (
	readSettings = pgsettings.ReadConverted
	index        = pgsettings.NewIndex
	convert      = pgsettings.Convert
)
