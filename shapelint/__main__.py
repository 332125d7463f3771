from shapelint.frontends.cli import main

raise SystemExit(main())
