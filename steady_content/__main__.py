from steady_content.cli import main

main()
