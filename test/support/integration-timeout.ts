// jest setupFilesAfterEnv for the integration projects: a whole-cluster test may take minutes.
// (testTimeout is a global-only jest option; inside a project entry jest ignores it with a warning.)
jest.setTimeout(120000);
