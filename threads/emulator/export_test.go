package emulator

// Exported for the differential tests of package emulator_test, which must
// live outside the package so that the emulator's non-test imports stay free
// of the server's rule code.
var (
	CountTextForTest   = countText
	ExtractURLsForTest = extractURLs
	ExtractTagsForTest = extractTags
	CountLinksForTest  = countLinks
)
