from kg.commands.base import main

main()
