from selstats.cli import main

raise SystemExit(main())
