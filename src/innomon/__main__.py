from innomon.cli import main

main()
