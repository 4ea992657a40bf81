-- Reserved for the `imports` branch's migration (number 13), which replaces this file at merge;
-- here only so that 0014 follows without a gap. It changes nothing.
SELECT 1;
