from zotbridge.cli import main

main()
