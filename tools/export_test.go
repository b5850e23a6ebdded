package tools

// ArgsHash exposes argsHash to the external tests, which build ledger
// entries the way the publishing tools do.
var ArgsHash = argsHash
