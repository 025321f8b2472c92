#!/usr/bin/env python
from fangxian.cli import main

if __name__ == "__main__":
    main()
