// The grading scale every course starts with (the grading_workflow migration's column default and
// POST /courses without gradingScale): A 900, B 800, C 700, D 600, F 0. Written out here, not read
// from src/, so that a changed default fails the tests that expect this one.
export const DEFAULT_GRADING_SCALE = [
  { letter: 'A', min: 900 },
  { letter: 'B', min: 800 },
  { letter: 'C', min: 700 },
  { letter: 'D', min: 600 },
  { letter: 'F', min: 0 },
];
