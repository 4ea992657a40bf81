from __future__ import annotations

from bot.process.cli import main

raise SystemExit(main())
