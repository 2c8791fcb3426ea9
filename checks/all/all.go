// Package all is the explicit, sorted list of every check. There is no init()
// registration: a check exists for the tool when it is listed here.
package all

import (
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/a002"
	"github.com/pgcheckup/pgcheckup/checks/a003"
	"github.com/pgcheckup/pgcheckup/checks/a004"
	"github.com/pgcheckup/pgcheckup/checks/a005"
	"github.com/pgcheckup/pgcheckup/checks/a006"
	"github.com/pgcheckup/pgcheckup/checks/a007"
	"github.com/pgcheckup/pgcheckup/checks/a010"
	"github.com/pgcheckup/pgcheckup/checks/a013"
	"github.com/pgcheckup/pgcheckup/checks/c002"
	"github.com/pgcheckup/pgcheckup/checks/c004"
	"github.com/pgcheckup/pgcheckup/checks/c005"
	"github.com/pgcheckup/pgcheckup/checks/c007"
	"github.com/pgcheckup/pgcheckup/checks/d001"
	"github.com/pgcheckup/pgcheckup/checks/d004"
	"github.com/pgcheckup/pgcheckup/checks/e001"
	"github.com/pgcheckup/pgcheckup/checks/e002"
	"github.com/pgcheckup/pgcheckup/checks/f001"
	"github.com/pgcheckup/pgcheckup/checks/f002"
	"github.com/pgcheckup/pgcheckup/checks/f003"
	"github.com/pgcheckup/pgcheckup/checks/f004"
	"github.com/pgcheckup/pgcheckup/checks/f005"
	"github.com/pgcheckup/pgcheckup/checks/f008"
	"github.com/pgcheckup/pgcheckup/checks/g001"
	"github.com/pgcheckup/pgcheckup/checks/g002"
	"github.com/pgcheckup/pgcheckup/checks/g003"
	"github.com/pgcheckup/pgcheckup/checks/g004"
	"github.com/pgcheckup/pgcheckup/checks/g005"
	"github.com/pgcheckup/pgcheckup/checks/h001"
	"github.com/pgcheckup/pgcheckup/checks/h002"
	"github.com/pgcheckup/pgcheckup/checks/h003"
	"github.com/pgcheckup/pgcheckup/checks/h004"
	"github.com/pgcheckup/pgcheckup/checks/k003"
	"github.com/pgcheckup/pgcheckup/checks/l001"
	"github.com/pgcheckup/pgcheckup/checks/l002"
	"github.com/pgcheckup/pgcheckup/checks/l003"
	"github.com/pgcheckup/pgcheckup/checks/l004"
	"github.com/pgcheckup/pgcheckup/checks/l005"
	"github.com/pgcheckup/pgcheckup/checks/s001"
	"github.com/pgcheckup/pgcheckup/checks/s002"
	"github.com/pgcheckup/pgcheckup/checks/s003"
	"github.com/pgcheckup/pgcheckup/checks/s004"
	"github.com/pgcheckup/pgcheckup/checks/s005"
)

// Checks returns a fresh instance of every check, sorted by ID. Fresh instances matter:
// a check's config is decoded into it, so two runs must not share one.
func Checks() []checks.Check {
	return []checks.Check{
		a002.New(),
		a003.New(),
		a004.New(),
		a005.New(),
		a006.New(),
		a007.New(),
		a010.New(),
		a013.New(),
		c002.New(),
		c004.New(),
		c005.New(),
		c007.New(),
		d001.New(),
		d004.New(),
		e001.New(),
		e002.New(),
		f001.New(),
		f002.New(),
		f003.New(),
		f004.New(),
		f005.New(),
		f008.New(),
		g001.New(),
		g002.New(),
		g003.New(),
		g004.New(),
		g005.New(),
		h001.New(),
		h002.New(),
		h003.New(),
		h004.New(),
		k003.New(),
		l001.New(),
		l002.New(),
		l003.New(),
		l004.New(),
		l005.New(),
		s001.New(),
		s002.New(),
		s003.New(),
		s004.New(),
		s005.New(),
	}
}
